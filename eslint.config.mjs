// Lint = the architecture's boundaries made mechanical, plus a small set of correctness rules.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'stream', 'url', 'util', 'worker_threads'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '**/*.js', '**/*.mjs', 'test/e2e/harness/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': 'off', // tsc's noUnusedLocals/Parameters already report these
      '@typescript-eslint/no-require-imports': 'off',
      eqeqeq: ['error', 'always'],
      'no-debugger': 'error',
    },
  },
  {
    // The core is pure: no editor, no LSP, no Node IO, no cluster client, nothing from the layers above it.
    files: ['server/src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: [...nodeBuiltins, 'vscode', 'vscode-languageserver*', 'vscode-jsonrpc*', '@kubernetes/client-node'], message: 'server/src/core is pure: no IO, editor, LSP or cluster imports.' },
            { group: ['**/lsp/**', '**/cluster/**', '**/cli/**', '**/workspace/**', '**/client/**', '**/media/**'], message: 'server/src/core must not import the layers built on it.' },
          ],
        },
      ],
    },
  },
  {
    // Outside the core, the engine is used through its public API only; the server never imports the vscode API.
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The server runs in any LSP client: no vscode API.' }],
          patterns: [{ group: ['**/core/*/**'], message: 'Import the engine through server/src/core/index.ts.' }],
        },
      ],
    },
  },
  {
    files: ['client/**/*.ts'],
    // core/markdown.ts is a pure leaf shared like the protocol: the one Markdown escaping of manifest and cluster text.
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/core/**', '!**/core/markdown', '**/lsp/**', '**/cluster/**'], message: 'The client is thin glue: it talks to the server over LSP (server/src/protocol and core/markdown only).' }] }] },
  },
  {
    files: ['media/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: [...nodeBuiltins, 'vscode', 'vscode-languageclient*'], message: 'The webview is a sandboxed page: DOM only.' }] }] },
  },
);
