export * from './connection';
export * from './names';
export * from './outbox';
export * from './payloads';
export * from './queues';
export * from './replay';
