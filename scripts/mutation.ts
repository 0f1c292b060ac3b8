/**
 * Mutation testing with StrykerJS, one folder at a time (smallest first), each with its own
 * incremental file so a re-run after a change only re-tests the mutants it touched.
 * Usage: npm run test:mutation [-- folder-name ...]   (names from FOLDERS below; default: all)
 * Writes the score per folder to bench/results/mutation.json (folders not run keep their entry).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

interface Folder {
  name: string;
  mutate: string[];
  /** The test files that exercise the folder in-process (globs). */
  tests: string[];
  /** Test files among `tests` that need a fresh module graph, which the shared runner lacks. */
  exclude?: string[];
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
  },
  {
    name: 'src/model',
    mutate: ['src/model/**/*.ts'],
    tests: ['tests/model/*.test.ts'],
  },
  { name: 'src/stats', mutate: ['src/stats/**/*.ts'], tests: ['tests/stats/*.test.ts'] },
  { name: 'server', mutate: ['server/**/*.ts'], tests: ['tests/server/**/*.test.ts'] },
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

function runFolder(folder: Folder): ReturnType<typeof scoreOf> & { seconds: number } {
  const slug = folder.name.replace(/[^a-z0-9]+/gi, '-');
  const report = join(CACHE, `${slug}.report.json`);
  const config = join(CACHE, `${slug}.config.json`);
  const base = JSON.parse(readFileSync('stryker.config.json', 'utf8'));
  writeFileSync(
    config,
    JSON.stringify({
      ...base,
      $schema: undefined,
      mutate: [...folder.mutate, ...NOT_TESTS],
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
      MUTATION_TESTS: folder.tests.join(','),
      MUTATION_EXCLUDE: (folder.exclude ?? []).join(','),
    },
  });
  if (run.status !== 0) throw new Error(`stryker failed on ${folder.name} (exit ${run.status})`);
  const result = scoreOf(JSON.parse(readFileSync(report, 'utf8')) as Report);
  return { ...result, seconds: Math.round((Date.now() - started) / 1000) };
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !FOLDERS.some((f) => f.name === w));
if (unknown.length) {
  console.error(
    `unknown folder(s): ${unknown.join(', ')}; known: ${FOLDERS.map((f) => f.name).join(', ')}`,
  );
  process.exit(2);
}
mkdirSync(CACHE, { recursive: true });
const previous = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : { folders: {} };
for (const folder of FOLDERS.filter((f) => !wanted.length || wanted.includes(f.name))) {
  const result = runFolder(folder);
  previous.folders[folder.name] = {
    mutate: folder.mutate,
    tests: folder.tests,
    ...(folder.exclude ? { excludedTests: folder.exclude } : {}),
    ...result,
    measuredAt: new Date().toISOString(),
    machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), concurrency 1`,
  };
  writeFileSync(
    RESULTS,
    JSON.stringify({ tool: 'StrykerJS', goal: '>= 80% per folder', ...previous }, null, 2) + '\n',
  );
  console.log(`${folder.name}: mutation score ${result.score}% in ${result.seconds} s`);
}
