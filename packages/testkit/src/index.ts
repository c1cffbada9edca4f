export * from './clock';
export * from './database';
export * from './env';
export * from './factories';
export * from './fake-geocoder';
export * from './fake-sms';
export * from './fake-telegram';
export * from './redis';
