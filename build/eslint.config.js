// ESLint for the whole tree (run as `eslint -c build/eslint.config.js`, so patterns are relative to the repo root).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './eslint-layers.js';

const rawIpc = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message:
    'Use the typed wrappers (electron/main/ipc.ts, electron/preload/api.ts) so every channel goes through the contract.',
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The page runs in a browser: no Node, no Electron, only window.rolebar.
    files: ['renderer/**'],
    languageOptions: { globals: globals.browser },
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'], patterns: ['node:*'] }] },
  },
  {
    // The core is plain Node shared by the CLI, the main process and the tests.
    files: ['electron/core/**', 'electron/cli/**', 'electron/ipc/**'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
  {
    // Small files and functions (STYLE.md): a file that outgrows these has a seam to split along.
    files: ['electron/**/*.ts', 'renderer/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 400 }],
      'max-lines-per-function': ['error', { max: 120 }],
    },
  },
  {
    // The rooms of electron/ import in one direction only (build/eslint-layers.js).
    files: ['electron/**/*.ts'],
    plugins: { rooms: layersPlugin },
    rules: { 'rooms/direction': 'error' },
  },
  {
    // The domain is what the page bundles as it is: browser-safe, no Node, no Electron.
    files: ['electron/core/domain/**'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'], patterns: ['node:*'] }] },
  },
  {
    files: ['electron/main/**', 'electron/preload/**'],
    ignores: ['electron/main/ipc.ts', 'electron/preload/preload.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [rawIpc] }] },
  },
  {
    // ESLint's own config format requires a default export.
    files: ['build/eslint.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
