export * from './dependency';
export * from './health-server';
export * from './lifecycle';
export * from './logger';
export * from './metrics';
export * from './scrape';
