export * from './bot';
export * from './bot-service';
export * from './callback-data';
export * from './errors';
export * from './gateway';
export * from './keyboards';
export * from './reachable';
export * from './session';
