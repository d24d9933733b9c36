/** Unit tests sit beside the code (src/**\/*.spec.ts); end-to-end tests in test/ run against a real database file, over HTTP or on the core module. */
const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  // isolatedModules in tsconfig.json has ts-jest transpile each file alone, without type checking; `npm run typecheck` checks the types.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testEnvironment: 'node',
};

module.exports = {
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', rootDir: 'src', testRegex: '\\.spec\\.ts$' },
    { ...common, displayName: 'e2e', rootDir: '.', testRegex: 'test/.*\\.e2e-spec\\.ts$' },
  ],
};
