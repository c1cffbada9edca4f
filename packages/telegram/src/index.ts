export * from './bot';
export * from './callback-data';
export * from './keyboards';
export * from './session';
