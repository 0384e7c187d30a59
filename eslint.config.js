// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'coverage/', 'jepsen-runs/', '.mesh-data/', 'bench-results/', 'dist/', 'gui/public/app.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The domain is pure: no AWS SDK, no Node I/O. Adapters live in shared/adapters.
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@aws-sdk/*', 'aws-sdk', '@smithy/*', '@aws-lambda-powertools/*'], message: 'The domain is pure: AWS SDK belongs in shared/adapters.' },
          { group: ['node:fs', 'node:fs/*', 'fs', 'fs/*', 'node:net', 'net', 'node:http', 'http', 'node:https', 'https', 'node:child_process', 'child_process', 'node:dgram', 'dgram', 'node:process', 'process', 'node:os', 'os'], message: 'The domain is pure: no Node I/O modules.' },
        ],
      }],
    },
  },
  {
    files: ['gui/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
