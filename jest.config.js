/**
 * Root jest config: every package and service, transformed by @swc/jest, real Postgres/Redis.
 * The long scenarios run only with FS_TEST_LONG=1: `pnpm test:long` (CI runs it as its own
 * step), or `pnpm test <one of them>` (scripts/test.sh sets it when a path names them):
 * test/faults (killed and restarted dependencies), test/scale (replicas over thousands of
 * orders), and the two that start every service as a process (tsx compiling each one is most of
 * the suite's CPU on a busy machine): test/services-lifecycle and test/dev-script.
 */
const LONG = [
  '<rootDir>/test/faults/',
  '<rootDir>/test/scale/',
  '<rootDir>/test/services-lifecycle.test.ts',
  '<rootDir>/test/dev-script.test.ts',
];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/services', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', ...(process.env.FS_TEST_LONG === '1' ? [] : LONG)],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
    // ESM-only dependencies (below) are compiled to CommonJS for jest.
    '^.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // content-disposition 3 (via bull-board's @fastify/static) is ESM-only; Node < 24.9 can't require() it.
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/)?content-disposition[@/])'],
  globalSetup: '<rootDir>/packages/testkit/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/packages/testkit/src/jest/global-teardown.ts',
  // A bound on a hang, not a speed claim: files run side by side on a busy 2-core machine.
  testTimeout: 120_000,
  maxWorkers: 2,
};
