// npm run runs -- list | show <id> | compare <a> <b>: the runs store as readable tables.
import { parseCommandArgs, runIfMain, usageOf, UsageError, type Command } from '../cli/command';
import { DEFAULT_MODELS_DIR, DEFAULT_RUNS_DB } from '../cli/defaults';
import type { TargetMetrics } from '../src/model';
import { importCardRuns } from './runRecording';
import { RunsStore, type RunRecord } from './runsStore';
import { formatTable } from './table';
import { formatDuration } from './progress';

const fmt = (x: number | undefined | null, digits = 4) =>
  x === undefined || x === null || !Number.isFinite(x) ? '-' : x.toPrecision(digits);

function metricOf(run: RunRecord, key: string): TargetMetrics | undefined {
  return run.test?.find((m) => m.key === key);
}

function listRuns(runs: RunRecord[]): string {
  return formatTable(
    ['id', 'kind', 'name', 'status', 'started', 'epochs', 'wall', 'test gap MAE', 'commit'],
    runs.map((r) => [
      r.id,
      r.kind,
      r.name,
      r.status,
      r.startedAt.slice(0, 16).replace('T', ' '),
      r.epochs.length ? String(r.epochs.length) : '-',
      r.wallSeconds === null ? '-' : formatDuration(r.wallSeconds),
      metricOf(r, 'gap') ? `${fmt(metricOf(r, 'gap')!.mae)} eV` : '-',
      r.gitCommit?.slice(0, 7) ?? '-',
    ]),
  );
}

/** Nested config objects as dotted keys, the way --set names them. */
export function flatten(value: unknown, prefix = ''): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { [prefix || '(value)']: JSON.stringify(value) };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    Object.assign(out, flatten(v, prefix ? `${prefix}.${k}` : k));
  return out;
}

function showRun(run: RunRecord): string {
  const m = run.machine;
  const head = formatTable(
    ['field', 'value'],
    [
      ['id', run.id],
      ['kind', run.kind],
      ['name', run.name],
      ['status', run.status],
      ['started', run.startedAt],
      ['finished', run.finishedAt ?? '-'],
      ['wall time', run.wallSeconds === null ? '-' : formatDuration(run.wallSeconds)],
      ['git commit', run.gitCommit ?? '-'],
      ['data sha256', run.dataSha256 ?? '-'],
      [
        'machine',
        m ? `${m.host}: ${m.cores} x ${m.cpus}, ${m.memoryGiB} GiB, Node ${m.node}` : '-',
      ],
      ['output', run.outputDir ?? '-'],
      ...(run.sweepId ? [['sweep', run.sweepId]] : []),
      ...(run.note ? [['note', run.note]] : []),
    ],
  );
  const config = run.config
    ? formatTable(['config key', 'value'], Object.entries(flatten(run.config)))
    : 'config: -';
  const epochs = run.epochs.length
    ? formatTable(
        ['epoch', 'train loss', 'val score', 'val gap MAE', 'seconds'],
        run.epochs.map((e) => [
          String(e.epoch),
          fmt(e.trainLoss),
          fmt(e.valScore),
          fmt(e.valMae.gap),
          e.seconds.toFixed(0),
        ]),
      )
    : 'epochs: none recorded';
  const test = run.test?.length
    ? formatTable(
        ['target', 'unit', 'MAE', 'RMSE', 'R2', 'cov90', 'n'],
        run.test.map((t) => [
          t.key,
          t.unit,
          fmt(t.mae),
          fmt(t.rmse),
          t.r2 === undefined ? '-' : t.r2.toFixed(4),
          t.coverage90 === undefined ? '-' : `${(100 * t.coverage90).toFixed(1)}%`,
          String(t.n),
        ]),
      )
    : 'metrics: none';
  return [head, config, epochs, test].join('\n\n');
}

function compareRuns(a: RunRecord, b: RunRecord): string {
  const fa = flatten(a.config ?? {});
  const fb = flatten(b.config ?? {});
  const keys = [...new Set([...Object.keys(fa), ...Object.keys(fb)])].sort();
  const differing = keys.filter((k) => fa[k] !== fb[k]);
  const config = differing.length
    ? formatTable(
        ['config key', a.id, b.id],
        differing.map((k) => [k, fa[k] ?? '-', fb[k] ?? '-']),
      )
    : 'configs: identical';
  const provenance = formatTable(
    ['', a.id, b.id],
    [
      ['name', a.name, b.name],
      ['status', a.status, b.status],
      ['epochs', String(a.epochs.length), String(b.epochs.length)],
      ['wall time', formatDuration(a.wallSeconds ?? NaN), formatDuration(b.wallSeconds ?? NaN)],
      ['git commit', a.gitCommit?.slice(0, 10) ?? '-', b.gitCommit?.slice(0, 10) ?? '-'],
      ['data sha256', a.dataSha256?.slice(0, 12) ?? '-', b.dataSha256?.slice(0, 12) ?? '-'],
    ],
  );
  const targets = [...new Set([...(a.test ?? []), ...(b.test ?? [])].map((m) => m.key))];
  const metrics = targets.length
    ? formatTable(
        ['target', 'unit', `MAE ${a.id}`, `MAE ${b.id}`, 'change'],
        targets.map((key) => {
          const ma = metricOf(a, key);
          const mb = metricOf(b, key);
          const change =
            ma && mb
              ? `${mb.mae >= ma.mae ? '+' : ''}${(100 * (mb.mae / ma.mae - 1)).toFixed(1)}%`
              : '-';
          return [key, (ma ?? mb)!.unit, fmt(ma?.mae), fmt(mb?.mae), change];
        }),
      )
    : 'test metrics: none';
  return [provenance, config, metrics].join('\n\n');
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(argv, {
    db: { type: 'string', default: DEFAULT_RUNS_DB },
    'models-dir': { type: 'string', default: DEFAULT_MODELS_DIR },
    sweep: { type: 'string' },
  });
  const [command, ...ids] = positionals;
  if (!command) {
    console.log(usageOf(runsCommand));
    return;
  }
  const store = new RunsStore(values.db);
  try {
    await importCardRuns(store, values['models-dir']);
    if (command === 'list') {
      const runs = await store.list({ sweepId: values.sweep });
      console.log(runs.length ? listRuns(runs) : `no runs in ${store.location}`);
    } else if (command === 'show') {
      if (ids.length !== 1) throw new UsageError('show needs one run id');
      console.log(showRun(await store.find(ids[0])));
    } else if (command === 'compare') {
      if (ids.length !== 2) throw new UsageError('compare needs two run ids');
      console.log(compareRuns(await store.find(ids[0]), await store.find(ids[1])));
    } else throw new UsageError(`unknown command "${command}"`);
  } finally {
    await store.close();
  }
}

export const runsCommand: Command = {
  name: 'runs',
  script: 'runs',
  synopsis: ['<command> [--db <runs.sqlite>] [--models-dir <dir>]'],
  details: `  list [--sweep <id>]      one line per run: kind, name, status, epochs, wall time, test gap MAE
  show <id>                config, provenance, per-epoch metrics and test metrics of one run
  compare <a> <b>          two runs side by side: differing config keys, test metrics
(ids may be shortened to a unique prefix; --db defaults to ${DEFAULT_RUNS_DB}, RUNS_DB sets it;
with DATABASE_URL set the runs are in that PostgreSQL database, where sweep workers record theirs)`,
  run: main,
};

runIfMain(import.meta.url, runsCommand);
