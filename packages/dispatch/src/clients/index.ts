export * from './client-links';
export * from './client-notices';
export * from './feedback';
