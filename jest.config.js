/** Root jest config: every package and service, transformed by @swc/jest, real Postgres/Redis. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/services', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
    // ESM-only dependencies (below) are compiled to CommonJS for jest.
    '^.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // content-disposition 3 (via bull-board's @fastify/static) is ESM-only; Node < 24.9 can't require() it.
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/)?content-disposition[@/])'],
  globalSetup: '<rootDir>/packages/testkit/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/packages/testkit/src/jest/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
