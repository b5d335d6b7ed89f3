// ESLint (npm run lint): JavaScript's and typescript-eslint's recommended rules with type information for the
// TypeScript sources, eslint-plugin-vue's recommended rules for the renderer's components. Which part may import
// which is dependency-cruiser's job (.dependency-cruiser.cjs, npm run lint:deps).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import pluginVue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';

const nodeGlobals = {
  process: 'readonly',
  console: 'readonly',
  URL: 'readonly',
  Buffer: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
};

export default defineConfig(
  { ignores: ['out/', 'dist/', 'release/', 'coverage/', '**/.tmp/', 'models/', 'resources/', '.gl/'] },

  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // Each file is checked with the tsconfig that includes it (tsconfig.json references node, web and e2e).
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `_name` marks a value left unused on purpose (a rest sibling dropped, a loop that only counts).
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // The regexes with control characters match them on purpose: NUL separators in tags, names cleaned for files and terminals.
      'no-control-regex': 'off',
      // Re-thrown errors put the cause's message into a sentence written for the person; a `cause` would change what gets printed.
      'preserve-caught-error': 'off',
      // A cast the checker finds redundant is harmless; removing them is churn, not safety.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // `async` functions here implement async interfaces (tokenizers, model handles, job runners) with nothing to await.
      '@typescript-eslint/require-await': 'off',
      // Messages interpolate parsed values of unknown shape on purpose (tags, manifests, thrown values).
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      // Unions like `MethodName | string` are written to say which values are expected.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
    },
  },

  {
    files: ['src/main/**/*.ts'],
    rules: {
      // A write transaction begins IMMEDIATE (core/db/database.ts): a deferred one that reads first fails at once with
      // "database is locked" when another connection (another process on the same library) wrote meanwhile.
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.type='CallExpression'][callee.callee.property.name='transaction']",
          message: 'Begin a write transaction IMMEDIATE: db.transaction(fn).immediate(), not db.transaction(fn)().',
        },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.vue'],
    extends: [pluginVue.configs['flat/recommended'], tseslint.configs.disableTypeChecked],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
    rules: {
      // vue-tsc type-checks the components, names included (DOM types, timers); ESLint's scope analysis does not know them.
      'no-undef': 'off',
      // Template layout is formatting, not correctness: the components keep their compact style and no formatter runs.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-indent': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    files: ['src/renderer/**/*.ts'],
    rules: {
      // Plain TypeScript (which typed linting uses) cannot type a .vue import; vue-tsc checks those.
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    files: ['tests/**', 'bench/**', 'scripts/**'],
    rules: {
      // Tests, benchmarks and scripts read JSON and reach into internals; their assertions check the shapes, and their `any`s never reach the app.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    files: ['src/main/workers/**'],
    rules: {
      // runInWorker hands each job plain closures (progress, libraryChanged, ...): destructuring them loses no `this`.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['src/main/core/dsp/**'],
    rules: {
      // fdlibm's constants are transcribed digit for digit; their rounding to a double is intended.
      'no-loss-of-precision': 'off',
    },
  },
  {
    files: ['src/main/core/models/inference/segment-model-run.ts'],
    rules: {
      // It rethrows a model run's failure exactly as it was caught (of unknown type, narrowed by `if`).
      '@typescript-eslint/only-throw-error': 'off',
    },
  },

  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
);
