/**
 * Two projects: `unit` (specs beside the code) and `e2e` (suites in test/ that drive the
 * real apps over HTTP). SWC transpiles TypeScript with decorator metadata, as Nest needs.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
const moduleNameMapper = {
  '^@app/pipeline(|/.*)$': '<rootDir>/libs/pipeline/src$1',
  '^@app/node-timeout(|/.*)$': '<rootDir>/libs/node-timeout/src$1',
  '^@app/node-timer-event(|/.*)$': '<rootDir>/libs/node-timer-event/src$1',
  '^@app/client(|/.*)$': '<rootDir>/libs/client/src$1',
};
const common = {
  rootDir: __dirname,
  // Nest 12 ships ES modules only: let SWC turn them (and their ESM-only deps) into CommonJS too.
  transform: { '^.+\\.(t|j)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|uid)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testEnvironment: 'node',
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
