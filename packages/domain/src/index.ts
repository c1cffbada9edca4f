export * from './enums';
export * from './format';
export * from './notifications/payloads';
export * from './notifications/templates';
export * from './order-status';
export * from './settings';
export * from './working-hours';
