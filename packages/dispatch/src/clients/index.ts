export * from './client-links';
export * from './client-notices';
export * from './feedback';
export * from './staff-link';
