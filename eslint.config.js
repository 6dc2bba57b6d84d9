// Lint rules for the TypeScript sources, tests and benchmarks.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.provision/', 'reports/', '.stryker-tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use a string union, not an enum.' }],
    },
  },
  {
    // Only the Genesys adapter may load the SDK at run time; the sandbox may use its types.
    files: ['src/**/*.ts'],
    ignores: ['src/genesys/**', 'src/sandbox/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'purecloud-platform-client-v2', message: 'Only src/genesys/ talks to the SDK.' }] }],
    },
  },
  {
    files: ['src/sandbox/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ name: 'purecloud-platform-client-v2', message: 'The sandbox uses SDK types only (import type).', allowTypeImports: true }] }],
    },
  },
);
