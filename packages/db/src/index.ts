export * from './access-codes';
export * from './db';
export * from './migrator';
export { markReachableAgain } from './recipients';
export { SEED_CITIES } from './seed/geo';
export { type SeedResult, seed } from './seed/seed';
export * from './settings-reader';
export * from './types';
