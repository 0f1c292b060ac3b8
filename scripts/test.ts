/**
 * `npm test`: lint, typecheck, unit and e2e tests, with the machine-dependent groups made visible.
 * A throwaway PostgreSQL is started (server/test-pg.sh) when DATABASE_URL is unset and the
 * binaries are installed; every group that still cannot run is named, with why, before the tests
 * and again as the last thing printed. Under CI (CI=true) a skipped group fails the run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

interface Group {
  name: string;
  tests: string;
  /** Why the group cannot run here, or null when it can. */
  missing: () => string | null;
}

const succeeds = (command: string, args: string[]) =>
  spawnSync(command, args, { stdio: 'ignore' }).status === 0;

function postgresBinaries(): boolean {
  const root = '/usr/lib/postgresql';
  return existsSync(root) && readdirSync(root).some((v) => existsSync(`${root}/${v}/bin/postgres`));
}

const env = { ...process.env };
let startedPostgres = false;
/** A cluster test-pg.sh already runs (someone else's): used, never stopped by us. */
const runningCluster = existsSync(
  `${env.TMPDIR ?? '/tmp'}/qm9-test-pg-${env.PG_PORT ?? 54329}/data/postmaster.pid`,
);
if (!env.DATABASE_URL && postgresBinaries()) {
  const start = spawnSync('server/test-pg.sh', ['start'], { encoding: 'utf8' });
  const url = /^DATABASE_URL=(\S+)$/m.exec(start.stdout ?? '')?.[1];
  if (start.status === 0 && url) {
    env.DATABASE_URL = url;
    startedPostgres = !runningCluster;
    console.log(
      `npm test: ${runningCluster ? 'using the running' : 'started a'} throwaway PostgreSQL for the storage tests (${url})`,
    );
  } else {
    console.error(`npm test: server/test-pg.sh start failed:\n${start.stderr ?? ''}`);
  }
}

const GROUPS: Group[] = [
  {
    name: 'PostgreSQL',
    tests:
      'tests/server/storage/store.test.ts, tests/server/reliability.test.ts, tests/server/multiInstance.test.ts',
    missing: () =>
      env.DATABASE_URL
        ? null
        : 'DATABASE_URL is unset and no PostgreSQL binaries are installed (apt-get install postgresql)',
  },
  {
    name: 'SciPy',
    tests: 'tests/stats/twoSample.test.ts (the drift fixture re-derived with SciPy)',
    missing: () =>
      succeeds('/usr/bin/python3', ['-c', 'import scipy'])
        ? null
        : '/usr/bin/python3 has no scipy (apt-get install python3-scipy)',
  },
  {
    name: 'promtool',
    tests: 'tests/server/alerts.test.ts (alert rules checked and unit-tested by Prometheus)',
    missing: () =>
      succeeds('promtool', ['--version'])
        ? null
        : 'promtool is not installed (apt-get install prometheus)',
  },
  {
    name: 'trained model',
    tests: 'the e2e specs that predict, and tests/model/golden.test.ts',
    missing: () =>
      existsSync('public/models/registry.json')
        ? null
        : 'no public/models/registry.json (training publishes the model)',
  },
];

const skipped = GROUPS.flatMap((g) => {
  const why = g.missing();
  return why ? [{ ...g, why }] : [];
});

function banner(): void {
  if (skipped.length === 0) {
    console.log('npm test: every test group can run on this machine.');
    return;
  }
  const line = '!'.repeat(78);
  console.log(`\n${line}\n  SKIPPED TEST GROUPS: ${skipped.length}`);
  for (const s of skipped) console.log(`  - ${s.name}: ${s.tests}\n      because ${s.why}`);
  console.log(`${line}\n`);
}

banner();
let status = 0;
// TEST_STEPS=test:unit (comma-separated) runs only those steps, with the same groups and banner.
const steps = process.env.TEST_STEPS?.split(',').filter(Boolean) ?? [
  'lint',
  'typecheck',
  'test:unit',
  'test:e2e',
];
for (const step of steps) {
  const run = spawnSync('npm', ['run', step], { stdio: 'inherit', env });
  if (run.status !== 0) {
    console.error(`npm test: ${step} failed (exit ${run.status ?? run.signal})`);
    status = run.status ?? 1;
    break;
  }
}
if (startedPostgres) spawnSync('server/test-pg.sh', ['stop'], { stdio: 'inherit' });
banner();
if (status === 0 && skipped.length > 0 && process.env.CI) {
  console.error('npm test: under CI every group must run; install what is named above.');
  status = 1;
}
process.exit(status);
