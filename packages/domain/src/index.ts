export * from './enums';
export * from './notifications/payloads';
export * from './order-status';
export * from './settings';
export * from './working-hours';
