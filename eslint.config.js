import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// Import boundaries (docs/architecture.md). src/chem and src/model are entered through their
// index, except for light entry points that must not pull RDKit or tfjs into the page's first
// chunk: chem's types and extension table, model/contracts (targets, card, registry, backend
// names), model/packedGraphs (the graphs the chemistry worker sends) and the wasm asset URLs. src/ is
// shared by the page, the server and the CLIs, so it imports none of them; training/ and server/
// share code only through src/. Unit tests in tests/ test a module's own files, so they may reach
// inside. ESLint replaces a rule's options per file rather than merging them, so each area lists
// every pattern that applies to it.
const up = (folders) => ({
  regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`,
  message: `This layer does not import ${folders.join(', ')} (docs/architecture.md).`,
});
const deepChem = {
  regex: '(^|/)chem/(?!(types|extensions)$)[^/]+',
  message: 'Import src/chem through its index (or chem/types, chem/extensions).',
};
const deepModel = {
  regex: '(^|/)model/(?!(contracts|packedGraphs|runtime/wasmAssets)$).+',
  message:
    'Import src/model through its index (or model/contracts, model/packedGraphs, runtime/wasmAssets).',
};
// The page's main thread stays free of tfjs and RDKit: values come from the light entry points.
const heavyIndexes = ['model', 'chem'].map((layer) => ({
  regex: `(^|/)${layer}$`,
  allowTypeImports: true,
  message: `The page's main thread imports ${layer} values from its light entry point (model/contracts, chem/types, chem/extensions); the index loads ${layer === 'model' ? 'tfjs' : 'RDKit'}.`,
}));
const srcUi = {
  regex: '(^|/)src/ui(/|$)',
  message: 'The server does not import the page (src/ui).',
};
const notSrcOutside = up(['server', 'training', 'cli', 'tests', 'bench', 'scripts', 'e2e']);
const area = (files, patterns, ignores = []) => ({
  files,
  ignores,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});
const importBoundaries = [
  area(['src/chem/**/*.ts'], [notSrcOutside]),
  area(['src/model/**/*.ts'], [notSrcOutside, deepChem]),
  area(['src/ui/worker/**/*.ts'], [notSrcOutside, deepChem, deepModel]),
  area(
    ['src/**/*.{ts,tsx}'],
    [notSrcOutside, deepChem, deepModel, ...heavyIndexes],
    ['src/chem/**', 'src/model/**', 'src/ui/worker/**'],
  ),
  area(['server/**/*.ts'], [deepChem, deepModel, srcUi, up(['training', 'cli'])]),
  area(['training/**/*.ts'], [deepChem, deepModel, srcUi, up(['server'])]),
  area(
    ['cli/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'e2e/**/*.ts', '*.ts'],
    [deepChem, deepModel],
  ),
];

export default tseslint.config(
  {
    ignores: [
      'dist',
      'node_modules',
      'coverage',
      'public',
      'test-results',
      'playwright-report',
      'training/runs',
      'tests/fixtures',
      '.stryker-tmp',
      '.cache',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  ...importBoundaries,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
);
