export * from './fake-smsc';
