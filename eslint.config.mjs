import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const noVscode = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        {
          name: 'vscode',
          message:
            'The engine, the sandbox, shared types and the webview never import vscode (see CONTRIBUTING in README).',
        },
      ],
      patterns: [
        {
          group: ['**/extension/**', '**/cli/**'],
          message: 'Only the faces import the core, never the other way round.',
        },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'bench/results*', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
    },
  },
  { files: ['src/core/**/*.ts', 'src/shared/**/*.ts', 'src/sandbox/**/*.ts'], rules: noVscode },
  {
    files: ['webview-ui/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The webview never imports vscode.' }],
          patterns: [
            {
              group: ['**/core/**', '**/extension/**'],
              message: 'The webview imports only src/shared/protocol.ts (types).',
            },
          ],
        },
      ],
    },
  },
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: { ...globals.node } } },
  // Modules that say what they are (issue 14): no source file over 500 lines and no function over 80, blank lines and
  // comments included, in all of src/ and the webview.
  {
    files: ['src/**/*.ts', 'webview-ui/src/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 500 }], 'max-lines-per-function': ['error', { max: 80 }] },
  },
);
