/**
 * Which part of the code may import which (npm run lint:deps). The engine (src/main/core) is a stack of layers,
 * lowest first:
 *
 *   db, dsp, random           storage; signal processing; the seeded generator (import nothing else of core)
 *   audio, scan, tags         decoding, reading and writing files (db, and each other in that order)
 *   features, image           analysis of the signal (dsp, audio)
 *   models                    the classifiers (features, random)
 *   training, personal        fitting models; the person's own model and labels (models and everything below)
 *   classify, playlists       whole-library jobs (everything below)
 *
 * and the app around it (services, workers, bridge, cli, Electron's main and preload, the renderer) uses the engine,
 * never the other way round. Imports are checked as written in the source, type-only ones included.
 */

/** Paths of the app around the engine: what src/main/core must never import. */
const appShell = [
  '^src/main/(services|workers|bridge|cli)/',
  '^src/main/(index|ipc|window-security)\\.ts$',
  '^src/renderer/',
  '^src/preload/',
  '(^|/)node_modules/electron/',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No import cycles, type-only ones included: a cycle makes load order matter and keeps two files from changing apart.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to no file.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'zod-through-shared-zod',
      severity: 'error',
      comment:
        "zod's values come from src/shared/zod.ts, which turns its JIT off before any schema is parsed (type-only " +
        'imports of zod are free).',
      from: { pathNot: '^src/shared/zod\\.ts$' },
      to: { path: '(^|/)node_modules/zod/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'core-not-to-app',
      severity: 'error',
      comment:
        'The engine runs in the CLI, in worker threads and in tests without Electron: it imports nothing from Electron, ' +
        'the services, workers, bridge, CLI, renderer or preload.',
      from: { path: '^src/main/core/' },
      to: { path: appShell },
    },
    {
      name: 'renderer-only-renderer-and-shared',
      severity: 'error',
      comment:
        'The renderer is a web page: it imports only itself, src/shared (the API contract) and npm packages; it reaches ' +
        'the main process through the API, never by importing it (nor Node built-ins).',
      from: { path: '^src/renderer/' },
      to: { pathNot: ['^src/(renderer|shared)/', '(^|/)node_modules/'] },
    },
    {
      name: 'shared-standalone',
      severity: 'error',
      comment: 'src/shared (the API contract, used by both processes) imports nothing from src/main, src/renderer or src/preload.',
      from: { path: '^src/shared/' },
      to: { path: '^src/(main|renderer|preload)/' },
    },
    {
      name: 'preload-only-electron-and-shared',
      severity: 'error',
      comment: 'The sandboxed preload script is bundled alone: it imports only Electron and src/shared.',
      from: { path: '^src/preload/' },
      to: { pathNot: ['^src/(preload|shared)/', '(^|/)node_modules/electron/'] },
    },
    {
      name: 'db-is-the-floor',
      severity: 'error',
      comment:
        'core/db (the library database: schema, queries, stored record shapes) is the lowest layer: it imports nothing ' +
        'of core outside itself (not classify, training, models, personal, ...); upper layers hand it what it stores.',
      from: { path: '^src/main/core/db/' },
      to: { path: '^src/', pathNot: ['^src/main/core/db/', '^src/shared/'] },
    },
    {
      name: 'leaf-layers',
      severity: 'error',
      comment: 'core/dsp (signal processing) and core/random (the seeded generator) import nothing else of src.',
      from: { path: '^src/main/core/(dsp|random)/' },
      to: { path: '^src/', pathNot: '^src/main/core/$1/' },
    },
    {
      name: 'features-below-models',
      severity: 'error',
      comment: 'Feature extraction (core/features) knows the signal and the audio, not the models nor the library.',
      from: { path: '^src/main/core/features/' },
      to: { path: '^src/main/core/(models|training|personal|classify|playlists|tags|scan|db)/' },
    },
    {
      name: 'models-below-training',
      severity: 'error',
      comment:
        'The classifiers (core/models) are used by training, personal and classify and import none of them, nor the ' +
        'library (db, scan, tags, playlists).',
      from: { path: '^src/main/core/models/' },
      to: { path: '^src/main/core/(training|personal|classify|playlists|tags|scan|db)/' },
    },
    {
      name: 'classify-is-the-top',
      severity: 'error',
      comment: 'core/classify (the classification job) uses the engine; nothing else in the engine imports it.',
      from: { path: '^src/main/core/', pathNot: '^src/main/core/classify/' },
      to: { path: '^src/main/core/classify/' },
    },
    {
      name: 'inference-worker-without-the-engine',
      severity: 'error',
      comment:
        'The thread that runs the segment models (workers/segment-inference.worker.ts) opens ONNX sessions only: ' +
        'loading the analysis engine or the registry of every model kind cost each fresh one about 50 ms of CPU ' +
        '(README, "Against ffmpeg alone"). Its type-only imports count too: none of them leads there either.',
      from: { path: '^src/main/workers/segment-inference\\.worker\\.ts$' },
      to: {
        path: ['^src/main/core/features/', '^src/main/core/models/kinds/registry\\.ts$', '^src/main/core/models/inference/model-input-sources\\.ts$'],
        reachable: true,
      },
    },
  ],
  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    // Type-only imports count: `import type` from a higher layer is still a dependency on it.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.vue', '.js', '.mjs', '.cjs', '.d.ts', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
