/**
 * Mutation testing with StrykerJS, one folder at a time (smallest first), each with its own
 * incremental file so a re-run after a change only re-tests the mutants it touched.
 * Usage: npm run test:mutation [-- folder-name ...]   (names from FOLDERS below; default: all)
 *        npm run test:mutation -- <folder-name> --files <glob>[,<glob>...] [--tests <file,file>]
 *        npm run test:mutation -- <folder-name> --combine [--partial]
 * Writes the score per folder to bench/results/mutation.json (folders not run keep their entry).
 * With --files only the matching files of one folder are mutated (with the folder's tests): a quick
 * loop while writing tests; it prints the undetected mutants with their replacement code and
 * leaves bench/results/mutation.json alone, since a part of a folder is not its score. --tests
 * narrows the tests to the named files: quicker where the folder's slow suites cover every
 * mutant; fewer tests can only detect less, so such a run errs low.
 * --combine records the folder's score from the newest report of each of its files, taken from
 * earlier --files (and whole-folder) runs; it refuses while any source file has no report, unless
 * --partial, which records the files left out by name. A mutant a later test would kill may still
 * count as undetected, so the score errs low.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

interface Folder {
  name: string;
  mutate: string[];
  /** The test files that exercise the folder in-process (globs). */
  tests: string[];
  /** Test files among `tests` that need a fresh module graph, which the shared runner lacks. */
  exclude?: string[];
  /**
   * Titles of tests left out because they cover every mutant of a file at a cost of many seconds
   * each (scale tests); what they check is also checked on small inputs.
   */
  skipTests?: string[];
  /**
   * Files left out of the folder's mutation, each with the reason (recorded with the score): code
   * that only runs in a child process, where no mutant can reach it.
   */
  notMutated?: Record<string, string>;
}

/** Code only: tests and test helpers are what kills mutants, not what is mutated. */
const NOT_TESTS = ['!**/*.test.ts'];

export const FOLDERS: Folder[] = [
  {
    name: 'training',
    mutate: ['training/{metrics,standardize,split}.ts'],
    // training.test.ts trains models: minutes per mutant for what the oracle file checks exactly.
    tests: ['tests/training/oracles.test.ts'],
  },
  { name: 'src/logging', mutate: ['src/logging/**/*.ts'], tests: ['tests/logging/*.test.ts'] },
  {
    name: 'src/chem',
    mutate: ['src/chem/**/*.ts'],
    tests: ['tests/chem/*.test.ts', 'tests/model/golden.test.ts'],
    // It checks that RDKit is instantiated from a handed-over module, which only holds while no
    // earlier test file has started RDKit in the same process.
    exclude: ['tests/chem/compiledWasm.test.ts'],
    // 22 s and 4 s here; the same paths run on small files in sdfReader, readInput and fuzz tests.
    skipTests: [
      'one bad record in a 10,000-record SD file leaves the other 9,999 featurized',
      'a file above the documented size limit',
    ],
  },
  {
    name: 'src/model',
    mutate: ['src/model/**/*.ts'],
    tests: ['tests/model/*.test.ts'],
    // It changes the working directory, which the worker threads of StrykerJS's vitest runner
    // cannot do; registrySource's other tests still run.
    skipTests: [
      'reads registry.json in the working directory for a bare file name or an empty directory',
    ],
  },
  {
    name: 'src/stats',
    mutate: ['src/stats/**/*.ts'],
    // The drift report is where the column statistics meet real log records.
    tests: ['tests/stats/*.test.ts', 'tests/server/driftReport.test.ts'],
  },
  {
    name: 'server',
    mutate: ['server/**/*.ts'],
    tests: ['tests/server/**/*.test.ts'],
    // These start the server as a child process (signals, restarts, several instances, promtool):
    // a mutant lives only in the test runner's process, so they cannot see it and cost seconds each.
    exclude: [
      'tests/server/alerts.test.ts',
      'tests/server/lifecycle.test.ts',
      'tests/server/modelReload.test.ts',
      'tests/server/multiInstance.test.ts',
      'tests/server/reliability.test.ts',
    ],
    notMutated: {
      'server/main.ts':
        'the process entry (wiring config, store, model loading and signals): it runs only in the child processes of the lifecycle, reload and reliability suites, which a mutant in the test runner cannot reach',
    },
  },
];

/** Kept out of git: the incremental files hold a copy of every mutated and test file's source. */
const CACHE = '.cache/stryker';
const RESULTS = 'bench/results/mutation.json';

interface MutantResult {
  status: string;
  mutatorName: string;
  location: { start: { line: number } };
  replacement?: string;
}
interface Report {
  files: Record<string, { mutants: MutantResult[] }>;
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

export function scoreOf(report: Report) {
  const counts: Record<string, number> = {};
  const survivors: string[] = [];
  for (const [file, { mutants }] of Object.entries(report.files)) {
    for (const m of mutants) {
      counts[m.status] = (counts[m.status] ?? 0) + 1;
      if (UNDETECTED.has(m.status))
        survivors.push(`${file}:${m.location.start.line} ${m.mutatorName} (${m.status})`);
    }
  }
  const detected = [...DETECTED].reduce((s, k) => s + (counts[k] ?? 0), 0);
  const undetected = [...UNDETECTED].reduce((s, k) => s + (counts[k] ?? 0), 0);
  const total = detected + undetected;
  return {
    score: total ? Math.round((1000 * detected) / total) / 10 : null,
    detected,
    undetected,
    counts,
    survivors: survivors.sort(),
  };
}

function runFolder(
  folder: Folder,
  files?: string,
  tests?: string[],
): { result: ReturnType<typeof scoreOf> & { seconds: number }; report: Report } {
  const slug = [folder.name, files, tests && 'narrow']
    .filter(Boolean)
    .join('-')
    .replace(/[^a-z0-9]+/gi, '-');
  const report = join(CACHE, `${slug}.report.json`);
  const config = join(CACHE, `${slug}.config.json`);
  const base = JSON.parse(readFileSync('stryker.config.json', 'utf8'));
  writeFileSync(
    config,
    JSON.stringify({
      ...base,
      $schema: undefined,
      mutate: [
        ...(files ? patternsOf(files) : folder.mutate),
        ...NOT_TESTS,
        ...Object.keys(folder.notMutated ?? {}).map((f) => `!${f}`),
      ],
      incrementalFile: join(CACHE, `${slug}.incremental.json`),
      vitest: { ...base.vitest, configFile: 'vitest.mutation.config.ts' },
      jsonReporter: { fileName: report },
    }),
  );
  const started = Date.now();
  const run = spawnSync('npx', ['stryker', 'run', config], {
    stdio: 'inherit',
    env: {
      ...process.env,
      MUTATION_TESTS: (tests ?? folder.tests).join(','),
      MUTATION_EXCLUDE: (folder.exclude ?? []).join(','),
      MUTATION_SKIP_TESTS: JSON.stringify(folder.skipTests ?? []),
    },
  });
  if (run.status !== 0) throw new Error(`stryker failed on ${folder.name} (exit ${run.status})`);
  const parsed = JSON.parse(readFileSync(report, 'utf8')) as Report;
  const seconds = Math.round((Date.now() - started) / 1000);
  return { result: { ...scoreOf(parsed), seconds }, report: parsed };
}

/** --files takes one glob or a comma-separated list of them (commas inside {} belong to the glob). */
export function patternsOf(files: string): string[] {
  return files.split(/,(?![^{]*\})/).filter(Boolean);
}

function printUndetected(report: Report) {
  for (const [file, { mutants }] of Object.entries(report.files)) {
    for (const m of mutants.filter((m) => UNDETECTED.has(m.status)).sort(byLine)) {
      const code = (m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 100);
      console.log(`${file}:${m.location.start.line} ${m.mutatorName} (${m.status}) -> ${code}`);
    }
  }
}
const byLine = (a: MutantResult, b: MutantResult) => a.location.start.line - b.location.start.line;

// The folder's source files, from the two pattern shapes FOLDERS uses: a tree of .ts files, or a {list}.
function sourcesOf(folder: Folder): string[] {
  const left = new Set(Object.keys(folder.notMutated ?? {}));
  return folder.mutate.flatMap((pattern) => {
    const deep = /^(.+)\/\*\*\/\*\.ts$/.exec(pattern);
    if (deep) {
      return (readdirSync(deep[1], { recursive: true }) as string[])
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
        .map((f) => `${deep[1]}/${f}`)
        .filter((f) => !left.has(f));
    }
    const listed = /^(.+)\/\{(.+)\}\.ts$/.exec(pattern);
    if (listed) return listed[2].split(',').map((name) => `${listed[1]}/${name}.ts`);
    throw new Error(`cannot list the files of ${pattern}`);
  });
}

/**
 * The folder's report from the newest report of each of its files, among all runs kept in the
 * cache (any run that mutated the file counts: one with fewer tests can only detect less).
 */
/**
 * Source files in which Stryker's instrumenter places no mutant (type declarations, re-exports):
 * Stryker makes no report for them, so --combine asks the instrumenter itself.
 */
async function withoutMutants(files: string[]): Promise<string[]> {
  if (files.length === 0) return [];
  const { Instrumenter } = await import('@stryker-mutator/instrumenter');
  const quiet = () => false;
  const logger = {
    isTraceEnabled: quiet,
    isDebugEnabled: quiet,
    isInfoEnabled: quiet,
    isWarnEnabled: quiet,
    isErrorEnabled: quiet,
    isFatalEnabled: quiet,
    trace() {},
    debug() {},
    info() {},
    warn() {},
    error() {},
    fatal() {},
  };
  const base = JSON.parse(readFileSync('stryker.config.json', 'utf8'));
  const result = await new Instrumenter(logger).instrument(
    files.map((name) => ({ name, content: readFileSync(name, 'utf8'), mutate: true })),
    { plugins: null, excludedMutations: [], ignorers: [], noHeader: true, ...(base.mutator ?? {}) },
  );
  const mutated = new Set(result.mutants.map((m) => m.fileName));
  return files.filter((f) => !mutated.has(f));
}

async function combinedReport(
  folder: Folder,
  partial: boolean,
): Promise<{ report: Report; from: string[]; missing: string[]; noMutants: string[] }> {
  const wantedFiles = new Set(sourcesOf(folder));
  const runs = readdirSync(CACHE)
    .filter((f) => f.endsWith('.report.json'))
    .map((f) => ({ file: join(CACHE, f), time: statSync(join(CACHE, f)).mtimeMs }))
    .sort((a, b) => a.time - b.time);
  const files: Report['files'] = {};
  const source: Record<string, string> = {};
  for (const run of runs) {
    const report = JSON.parse(readFileSync(run.file, 'utf8')) as Report;
    for (const [file, entry] of Object.entries(report.files)) {
      if (!wantedFiles.has(file)) continue;
      files[file] = entry;
      source[file] = run.file;
    }
  }
  const unreported = sourcesOf(folder).filter((f) => !(f in files));
  const noMutants = await withoutMutants(unreported);
  const missing = unreported.filter((f) => !noMutants.includes(f));
  if (missing.length && !partial) {
    console.error(
      `no report yet for ${missing.join(', ')}: run npm run test:mutation -- ${folder.name} --files <glob> first`,
    );
    process.exit(1);
  }
  return {
    report: { files },
    from: [...new Set(Object.values(source))].sort(),
    missing,
    noMutants,
  };
}

const args = process.argv.slice(2);
const combine = args.includes('--combine');
/** The value after a flag, and the arguments without both. */
function option(list: string[], flag: string): [string | undefined, string[]] {
  const at = list.indexOf(flag);
  if (at < 0) return [undefined, list];
  return [list[at + 1], list.filter((_, i) => i !== at && i !== at + 1)];
}
const [files, afterFiles] = option(args, '--files');
const [testList, afterTests] = option(afterFiles, '--tests');
const tests = testList?.split(',').filter(Boolean);
const filesAt = args.indexOf('--files');
const partial = args.includes('--partial');
const wanted = afterTests.filter((arg) => arg !== '--combine' && arg !== '--partial');
if (tests && !files) {
  console.error('--tests goes with --files');
  process.exit(2);
}
if ((filesAt >= 0 || combine) && ((filesAt >= 0 && !files) || wanted.length !== 1)) {
  console.error(
    'usage: npm run test:mutation -- <folder-name> --files <glob> | <folder-name> --combine',
  );
  process.exit(2);
}
const unknown = wanted.filter((w) => !FOLDERS.some((f) => f.name === w));
if (unknown.length) {
  console.error(
    `unknown folder(s): ${unknown.join(', ')}; known: ${FOLDERS.map((f) => f.name).join(', ')}`,
  );
  process.exit(2);
}
mkdirSync(CACHE, { recursive: true });
if (files) {
  const folder = FOLDERS.find((f) => f.name === wanted[0])!;
  const { result, report } = runFolder(folder, files, tests);
  printUndetected(report);
  console.log(`${files}: mutation score ${result.score}% in ${result.seconds} s (not recorded)`);
  process.exit(0);
}
/** Writes a folder's entry, re-reading the file first: runs of other folders may have ended. */
function record(folder: Folder, entry: Record<string, unknown>) {
  const previous = existsSync(RESULTS)
    ? JSON.parse(readFileSync(RESULTS, 'utf8'))
    : { folders: {} };
  previous.folders[folder.name] = {
    mutate: folder.mutate,
    tests: folder.tests,
    ...(folder.exclude ? { excludedTests: folder.exclude } : {}),
    ...(folder.notMutated ? { notMutated: folder.notMutated } : {}),
    ...entry,
    machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), concurrency 1`,
  };
  writeFileSync(
    RESULTS,
    JSON.stringify({ tool: 'StrykerJS', goal: '>= 80% per folder', ...previous }, null, 2) + '\n',
  );
}

if (combine) {
  const folder = FOLDERS.find((f) => f.name === wanted[0])!;
  const { report, from, missing, noMutants } = await combinedReport(folder, partial);
  const result = scoreOf(report);
  const newest = Math.max(...from.map((f) => statSync(f).mtimeMs));
  record(folder, {
    ...result,
    combinedFrom: from.map((f) => f.slice(CACHE.length + 1)),
    ...(noMutants.length ? { filesWithoutMutants: noMutants } : {}),
    ...(missing.length ? { partial: true, filesNotMeasured: missing } : {}),
    measuredAt: new Date(newest).toISOString(),
  });
  console.log(`${folder.name}: mutation score ${result.score}% combined from ${from.length} runs`);
  process.exit(0);
}
for (const folder of FOLDERS.filter((f) => !wanted.length || wanted.includes(f.name))) {
  const { result } = runFolder(folder);
  record(folder, { ...result, measuredAt: new Date().toISOString() });
  console.log(`${folder.name}: mutation score ${result.score}% in ${result.seconds} s`);
}
