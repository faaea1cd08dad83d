// @ts-check
/**
 * ESLint 9 flat config for the whole monorepo (`npm run lint` = `eslint .`).
 *
 * - typescript-eslint `recommended`, syntax only. Type-aware rules (no-floating-promises
 *   and co.) were measured at about twice the lint time on a 2-core box, a cost that
 *   grows with the code base; `tsc` in the build does the type checking.
 * - `import/no-cycle` through the TypeScript resolver, so `@app/*` aliases are followed.
 * - Architecture fences: the engine core stays pure, libs are imported through their
 *   public entry only, `process.env` is read only in config files, no dynamic code.
 * - A kebab-case file-name rule (local, see `kebabCaseFileName`).
 * - eslint-config-prettier last: formatting belongs to Prettier.
 */
import path from 'node:path';
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';
import prettier from 'eslint-config-prettier';

/**
 * Kebab-case file names, dot-separated role suffixes allowed (`run-views.ts`,
 * `tree.types.ts`, `runs.e2e-spec.ts`). Kept local rather than adding a plugin: it is
 * one regular expression, and it runs inside `eslint .` with no extra step.
 * @type {import('eslint').Rule.RuleModule}
 */
const kebabCaseFileName = {
  meta: {
    type: 'suggestion',
    docs: { description: 'File names are kebab-case, with dot-separated suffixes' },
    schema: [],
    messages: { notKebab: 'File name "{{name}}" is not kebab-case (e.g. "my-thing.service.ts").' },
  },
  create(context) {
    return {
      Program(node) {
        const name = path.basename(context.filename);
        const segment = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
        const stem = name.replace(/\.d\.ts$|\.tsx?$/, '');
        if (!stem.split('.').every((part) => segment.test(part))) {
          context.report({ node, messageId: 'notKebab', data: { name } });
        }
      },
    };
  },
};

const local = { rules: { 'kebab-case-file-name': kebabCaseFileName } };

/** Restrictions shared by every TypeScript file (`no-restricted-imports` does not merge across blocks). */
const commonImportPatterns = [
  {
    group: ['@app/*/*'],
    message: 'Import a lib through its public entry (`@app/pipeline`), never a deep path.',
  },
  {
    regex: '(^|/)libs/[^/]+/src(/|$)',
    message: 'Import a lib through its alias (`@app/pipeline`), not by a relative path.',
  },
];
const commonImportPaths = [
  { name: 'vm', message: 'No dynamic code evaluation: use the safe expression evaluator.' },
  { name: 'node:vm', message: 'No dynamic code evaluation: use the safe expression evaluator.' },
];

/** Inside libs/pipeline: relative imports only, and no dependency on the contrib libs. */
const pipelineImportPatterns = [
  ...commonImportPatterns,
  {
    group: ['@app/*'],
    message: 'Inside libs/pipeline use relative imports; the pipeline lib depends on no other lib.',
  },
];

const engineMessage =
  'The engine core is pure: no Nest, ORM, queue, driver or HTTP imports (DESIGN §2).';
const engineImportPatterns = [
  ...pipelineImportPatterns,
  { group: ['@nestjs/*'], message: engineMessage },
  {
    group: [
      'typeorm',
      'typeorm/*',
      'bullmq',
      'bullmq/*',
      'ioredis',
      'ioredis/*',
      'mysql2',
      'mysql2/*',
      'better-sqlite3',
      'express',
      'express/*',
    ],
    message: engineMessage,
  },
  {
    regex: '^(\\.\\./)+(persistence|queue|runtime)(/|$)',
    message:
      'The engine core must not reach into persistence, queue or runtime (ports go the other way).',
  },
];

const restrictedImports = (patterns) => ['error', { paths: commonImportPaths, patterns }];

/** Files allowed to read `process.env`: config classes, tests (knobs such as CONFORMANCE_DIR) and bench. */
const envFiles = [
  '**/config/**',
  '**/*.config.ts',
  '**/*.spec.ts',
  '**/*.spec-helper.ts',
  'test/**',
  'bench/**',
];

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'data/', 'bench/results/'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },

  js.configs.recommended,
  tseslint.configs.recommended,

  // Plain JS at the repo root and in scripts/ (jest.config.js, reporters): CommonJS on Node.
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        module: 'writable',
        require: 'readonly',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
        setImmediate: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },

  {
    files: ['**/*.ts'],
    // `no-implied-eval` only checks timers it knows as globals (TypeScript needs no list).
    languageOptions: { globals: { setTimeout: 'readonly', setInterval: 'readonly' } },
    plugins: { import: importPlugin, local },
    settings: {
      'import/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import/resolver': {
        typescript: { project: './tsconfig.json', alwaysTryTypes: true },
        node: true,
      },
      'import/extensions': ['.ts', '.js'],
    },
    rules: {
      'import/no-cycle': ['error', { ignoreExternal: true }],
      'import/no-self-import': 'error',
      'import/no-duplicates': 'error',
      'local/kebab-case-file-name': 'error',

      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
      'no-restricted-imports': restrictedImports(commonImportPatterns),
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read the environment only in the app config class (apps/*/src/config/).',
        },
      ],

      // Nest idioms: DI constructors with only parameter properties, decorated empty
      // module classes, unused interface arguments marked with a leading `_`.
      'no-useless-constructor': 'off',
      '@typescript-eslint/no-useless-constructor': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Not `consistent-type-imports`: with emitDecoratorMetadata a constructor parameter's
      // class must stay a value import, or Nest DI loses the token.
    },
  },

  // The web console (apps/console, Preact): its .tsx components get the same house rules.
  {
    files: ['apps/console/**/*.tsx'],
    plugins: { local },
    rules: {
      'local/kebab-case-file-name': 'error',
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'The console runs in a browser: no process.env.' },
      ],
    },
  },

  {
    files: ['libs/pipeline/src/**/*.ts'],
    rules: { 'no-restricted-imports': restrictedImports(pipelineImportPatterns) },
  },
  {
    files: ['libs/pipeline/src/engine/**/*.ts'],
    rules: { 'no-restricted-imports': restrictedImports(engineImportPatterns) },
  },
  // The engine must not reach persistence/queue/runtime however the path is written.
  {
    files: ['libs/pipeline/src/engine/**/*.ts'],
    rules: {
      'import/no-restricted-paths': [
        'error',
        {
          zones: ['persistence', 'queue', 'runtime'].map((dir) => ({
            target: './libs/pipeline/src/engine',
            from: `./libs/pipeline/src/${dir}`,
            message: 'The engine core must not depend on the runtime side (DESIGN §2).',
          })),
        },
      ],
    },
  },

  { files: envFiles, rules: { 'no-restricted-properties': 'off' } },

  // Specs and e2e suites: casts and stubs are fine in tests.
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },

  prettier,
);
