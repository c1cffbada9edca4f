export * from './connection';
export * from './metrics';
export * from './names';
export * from './outbox';
export * from './payloads';
export * from './queues';
export * from './replay';
