import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import boundaries from 'eslint-plugin-boundaries';

/**
 * Which part of the tree may import which (eslint-plugin-boundaries resolves every import to its file, so
 * relative paths cannot sneak past). Dependencies flow one way: shells (cli, api, electron, app) → engine,
 * scoring, terminal → sandbox; the shared layer is pure and importable by all; the renderer sees only it.
 * HOUSE.md (helpers) and DEVELOPERS.md describe the layers.
 */
const LAYERS = [
  { type: 'shared', pattern: 'shared/**' },
  { type: 'renderer', pattern: 'renderer/**' },
  { type: 'sandbox', pattern: 'sandbox/**' },
  { type: 'engine', pattern: 'main/engine/**' },
  { type: 'scoring', pattern: 'main/scoring/**' },
  { type: 'terminal', pattern: 'main/terminal/**' },
  { type: 'report', pattern: 'main/report/**' },
  { type: 'sessions', pattern: 'main/sessions/**' },
  { type: 'game', pattern: 'main/game/**' },
  { type: 'api', pattern: 'main/api/**' },
  { type: 'app', pattern: 'main/app/**' },
  { type: 'cli', pattern: 'main/cli/**' },
  { type: 'electron', pattern: 'main/electron/**' },
  // Where things are on disk: the data directory, the package root.
  { type: 'platform', pattern: 'main/platform/**' },
  // The trainer studio: templates (`new`), pack archives (`pack`, `install`).
  { type: 'studio', pattern: 'main/studio/**' },
];

/** [from, the layers it may import, why]. Anything not listed is forbidden. */
const ALLOWED = [
  ['shared', [], 'the shared layer is pure: it imports only itself (and pure packages such as zod)'],
  ['renderer', [], 'the renderer reaches the Node side only through the shared layer (contract, protocol, pure helpers)'],
  ['sandbox', [], 'a runtime knows nothing of main/: it implements sandbox/runtime.ts'],
  ['engine', ['sandbox', 'platform'], 'the engine never reaches up to the shells (api, app, cli, electron) or sideways into scoring, terminals, sessions or reports'],
  ['scoring', ['engine', 'platform'], 'scoring is pure over the event log and the scenario: no sandbox, terminal or API'],
  ['terminal', ['engine', 'sandbox', 'platform'], 'terminals sit beside the engine: they never reach up to the shells'],
  ['report', [], 'the HTML report is pure: shared pieces only'],
  ['sessions', ['engine', 'platform'], 'sessions on disk sit under the API: they never import it or the shells'],
  ['game', ['engine', 'sandbox', 'platform'], 'game-day mode orchestrates runs: it never reaches up to the shells, and scoring arrives injected'],
  ['api', ['game', 'engine', 'scoring', 'sessions', 'sandbox', 'terminal', 'platform', 'studio'], 'the API never imports the app, the CLI or Electron (the app wires the API, not the other way round)'],
  ['app', ['api', 'game', 'engine', 'scoring', 'sessions', 'sandbox', 'terminal', 'report', 'platform', 'studio'], 'the app is the composition root under the shells: it never imports the CLI or Electron'],
  ['cli', ['app', 'api', 'game', 'engine', 'scoring', 'sessions', 'sandbox', 'terminal', 'report', 'platform', 'studio'], 'the CLI never imports Electron'],
  ['electron', ['app', 'api', 'platform'], 'the Electron shell stays thin: it goes through the app and the API'],
  ['platform', [], 'paths and the package root import nothing of ours'],
  ['studio', ['engine', 'platform'], 'the studio reads and writes packs: it validates with the engine and never reaches up to the shells'],
];

const nodeBuiltins = { group: ['node:*', 'fs', 'fs/*', 'path', 'child_process', 'os', 'http', 'net', 'stream', 'url', 'crypto', 'util'], message: 'Pure code never imports Node.' };

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
    // The layers (see LAYERS above). Tests, benchmarks and launchers may import anything.
    files: ['shared/**/*.ts', 'renderer/**/*.{ts,tsx}', 'sandbox/**/*.ts', 'main/**/*.{ts,cts}'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { alwaysTryTypes: true, project: ['tsconfig.node.json', 'tsconfig.renderer.json'], noWarnOnMultipleProjects: true } },
      'boundaries/elements': LAYERS.map((layer) => ({ ...layer, partialMatch: false })),
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: ALLOWED.flatMap(([from, to, why]) => [
            // First the refusal with its reason, then what is allowed (a later policy wins).
            { from: { element: { type: from } }, disallow: [{ to: { element: { type: '*' } } }], message: `${from} may import only ${[from, 'shared', ...to].join(', ')}: ${why}` },
            { from: { element: { type: from } }, allow: [from, 'shared', ...to].map((type) => ({ to: { element: { type } } })) },
          ]),
        },
      ],
      // Every import of ours must land in a layer: a new top-level folder gets a place in LAYERS first.
      'boundaries/no-unknown-dependencies': 'error',
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
    // The shared layer is imported by the renderer too: pure, no Node, no Electron.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [nodeBuiltins, { group: ['electron'], message: 'Only main/electron imports electron.' }] }],
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
