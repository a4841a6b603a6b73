import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'openapi/', '.jobgraph/', 'coverage/', '.venv/', 'clients/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { paths: [{ name: 'bullmq', message: 'Only src/queue/ imports bullmq.' }] }],
    },
  },
  {
    files: ['src/queue/**', 'test/**', 'bench/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The web dashboard: plain ES modules run by the browser (no build step).
    files: ['web/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'location',
          'Node',
          'EventSource',
          'fetch',
          'performance',
          'setTimeout',
          'clearTimeout',
          'Intl',
          'globalThis',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
);
