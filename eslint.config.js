import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'release/**', 'scenarios/**/images/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The renderer runs in a sandboxed page: it must never reach Node or Electron directly.
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'child_process', 'os'], message: 'The renderer never imports Node.' },
            { group: ['electron'], message: 'Only main/electron imports electron.' },
          ],
        },
      ],
    },
  },
  {
    // Only the thin Electron shell may import electron.
    files: ['main/**/*.ts', 'sandbox/**/*.ts'],
    ignores: ['main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only main/electron imports electron.' }] }],
    },
  },
  {
    // Plain Node scripts (launchers, test children).
    files: ['bin/**/*.js', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
);
