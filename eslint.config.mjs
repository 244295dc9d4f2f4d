// Lint = the architecture's boundaries made mechanical, plus a small set of correctness rules.
import { readFileSync } from 'node:fs';
import tseslint from 'typescript-eslint';

// The core's layers, lowest first (test/layers.test.ts checks the same, type imports and cycles included).
const { layers: coreLayers } = JSON.parse(readFileSync(new URL('./server/src/core/layers.json', import.meta.url), 'utf8'));

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'net',
  'http',
  'https',
  'crypto',
  'stream',
  'url',
  'util',
  'worker_threads',
];
// Read-only by construction: the Kubernetes client (which can exec, attach, port-forward and write) is imported by
// server/src/cluster/api.ts and kubeconfig.ts only; everything else reaches a cluster through ApiClient's allow-list.
// test/tidy.test.ts checks the same without ESLint. The real-cluster harness (test/real-cluster/**) is exempt.
const clientNode = {
  group: ['@kubernetes/client-node', '@kubernetes/client-node/**'],
  message:
    'Only server/src/cluster/api.ts and kubeconfig.ts may use the Kubernetes client: read the cluster through ApiClient (allow-listed reads).',
};
const clientNodeOwners = ['server/src/cluster/api.ts', 'server/src/cluster/kubeconfig.ts'];
// kubeconfig.ts hands the loaded KubeConfig to api.ts alone.
const kubeConfigHandoff = {
  group: ['**/kubeconfig', './kubeconfig'],
  importNames: ['openKubeconfig'],
  message: 'openKubeconfig returns the KubeConfig (credentials): only ApiClient.connect (server/src/cluster/api.ts) uses it.',
};
/** The core's purity rules, plus the core folders `higher` that the files in question must not import. */
const corePure = (higher, what) => [
  'error',
  {
    patterns: [
      {
        group: [
          ...nodeBuiltins,
          'vscode',
          'vscode-languageserver*',
          'vscode-jsonrpc*',
          '@kubernetes/client-node',
          '@kubernetes/client-node/**',
        ],
        message: 'server/src/core is pure: no IO, editor, LSP or cluster imports.',
      },
      {
        group: ['**/lsp/**', '**/cluster/**', '**/cli/**', '**/workspace/**', '**/client/**', '**/media/**'],
        message: 'server/src/core must not import the layers built on it.',
      },
      ...(higher.length === 0
        ? []
        : [
            {
              group: higher.flatMap((l) => [`./${l}/**`, `**/${l}/**`]),
              message: `core layers run one way (${coreLayers.join(' → ')}): ${what} must not import ${higher.join(', ')}.`,
            },
          ]),
    ],
  },
];
const serverOuter = (patterns) => [
  'error',
  {
    paths: [{ name: 'vscode', message: 'The server runs in any LSP client: no vscode API.' }],
    patterns: [{ group: ['**/core/*/**'], message: 'Import the engine through server/src/core/index.ts.' }, ...patterns],
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '**/*.js', '**/*.mjs', 'test/e2e/harness/**'] },
  // Type-aware: a floating promise or a promise passed where a callback is expected loses errors silently.
  ...tseslint.configs.recommendedTypeChecked,
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': 'off', // tsc's noUnusedLocals/Parameters already report these
      '@typescript-eslint/no-require-imports': 'off',
      eqeqeq: ['error', 'always'],
      // An async method without `await` is how a synchronous answer fulfils a Promise-returning interface.
      '@typescript-eslint/require-await': 'off',
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
      ],
      'no-debugger': 'error',
    },
  },
  {
    // The real-cluster suites read kubectl's JSON as `K8sObject = Record<string, any>` on purpose: each test asserts
    // the shape it needs, and typing every API object there would restate client-go's types for no safety gain.
    files: ['test/real-cluster/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The core is pure: no editor, no LSP, no Node IO, no cluster client, nothing from the layers above it.
    files: ['server/src/core/**/*.ts'],
    rules: { 'no-restricted-imports': corePure([]) },
  },
  // Inside the core, each folder imports only the folders below it; the root's leaf files import no folder.
  ...coreLayers.map((layer, i) => ({
    files: [`server/src/core/${layer}/**/*.ts`],
    rules: { 'no-restricted-imports': corePure(coreLayers.slice(i + 1), layer) },
  })),
  {
    files: ['server/src/core/*.ts'],
    ignores: ['server/src/core/index.ts'],
    rules: { 'no-restricted-imports': corePure(coreLayers, 'a root leaf') },
  },
  {
    // Outside the core, the engine is used through its public API only; the server never imports the vscode API.
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/core/**', ...clientNodeOwners],
    rules: { 'no-restricted-imports': serverOuter([clientNode, kubeConfigHandoff]) },
  },
  {
    // The rendered-input layer runs tools and maps their output; the editor and CLI glue build on it, not the reverse.
    files: ['server/src/render/**/*.ts'],
    rules: {
      'no-restricted-imports': serverOuter([
        clientNode,
        kubeConfigHandoff,
        {
          group: ['**/lsp/**', '**/cli/**', '**/cluster/**', '**/cli', '**/lsp'],
          message: 'server/src/render must not import the LSP, CLI or cluster layers.',
        },
      ]),
    },
  },
  {
    files: ['server/src/cluster/kubeconfig.ts'],
    rules: { 'no-restricted-imports': serverOuter([]) },
  },
  {
    files: ['server/src/cluster/api.ts'],
    rules: { 'no-restricted-imports': serverOuter([]) },
  },
  {
    files: ['client/**/*.ts'],
    // core/markdown.ts is a pure leaf shared like the protocol: the one Markdown escaping of manifest and cluster text.
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/core/**', '!**/core/markdown', '**/lsp/**', '**/cluster/**'],
              message: 'The client is thin glue: it talks to the server over LSP (server/src/protocol and core/markdown only).',
            },
            clientNode,
          ],
        },
      ],
    },
  },
  {
    files: ['media/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: [...nodeBuiltins, 'vscode', 'vscode-languageclient*'], message: 'The webview is a sandboxed page: DOM only.' },
            clientNode,
          ],
        },
      ],
    },
  },
  {
    // Tests and benchmarks use the product's cluster layer like the product does; only the real-cluster harness may
    // drive the Kubernetes client directly.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['test/real-cluster/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [clientNode, kubeConfigHandoff] }] },
  },
);
