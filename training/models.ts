// npm run models -- list | register <dir> | promote <dir|id> --alias production | rollback
// The registry CLI: every alias move passes the promotion gate on the test split and is recorded.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseCommandArgs, runIfMain, usageOf, UsageError, type Command } from '../cli/command';
import {
  DEFAULT_CACHE_DIR,
  DEFAULT_DATA,
  DEFAULT_MODEL,
  DEFAULT_MODELS_DIR,
} from '../cli/defaults';
import { loadPredictor } from '../src/model';
import {
  ALIASES,
  TARGETS,
  isAlias,
  modelId,
  resolveModel,
  withEntry,
  withPromotion,
  withRollback,
  type Alias,
  type ModelRegistry,
  type RegistryEntry,
  type RegistryMetric,
} from '../src/model';
import { loadQm9Dataset } from './dataset';
import { readCard } from './cardFiles';
import { evaluateOnSplit } from './evaluateOnSplit';
import { formatMetricsTable } from './metrics';
import { promotionGate } from './promotionGate';
import {
  checksumProblems,
  describeModelDir,
  readRegistryFile,
  registryMetrics,
  registryPath,
  updateRegistryFile,
} from './registryFiles';
import { formatTable } from './table';

interface Options {
  modelsDir: string;
  data: string;
  cache: string;
}

function aliasesOf(registry: ModelRegistry, id: string): string {
  return ALIASES.filter((a) => registry.aliases[a] === id).join(',') || '-';
}

async function list(opts: Options): Promise<void> {
  const registry = await readRegistryFile(opts.modelsDir);
  if (registry.models.length === 0) {
    console.log(`${registryPath(opts.modelsDir)}: no model registered`);
    return;
  }
  const rows: string[][] = [];
  for (const m of registry.models) {
    const problems = await checksumProblems(opts.modelsDir, m);
    rows.push([
      modelId(m),
      aliasesOf(registry, modelId(m)),
      m.kind,
      String(m.test.length),
      problems.length ? `CHANGED (${problems.length} files)` : 'ok',
      m.registeredAt.slice(0, 10),
      m.path,
    ]);
  }
  console.log(
    formatTable(['model', 'aliases', 'kind', 'targets', 'sha256', 'registered', 'dir'], rows),
  );
  console.log('\ntest MAE per target (cov90: share of the test split inside the 90% intervals)');
  console.log(formatTestMetrics(registry.models));
  if (registry.history.length) {
    console.log('\nhistory');
    console.log(
      formatTable(
        ['time', 'action', 'alias', 'from', 'to'],
        registry.history.map((e) => [
          e.at.slice(0, 19).replace('T', ' '),
          e.action,
          e.alias,
          e.from ?? '-',
          e.to,
        ]),
      ),
    );
  }
  const repackaged = registry.models.flatMap((m) =>
    (m.repackaged ?? []).map((r) => [r.at.slice(0, 19).replace('T', ' '), modelId(m), r.note]),
  );
  if (repackaged.length) {
    console.log('\nrepackaged (checksums re-recorded, weights unchanged)');
    console.log(formatTable(['time', 'model', 'note'], repackaged));
  }
}

const MAX_WIDTH = 100;

/**
 * Every registered model's test MAE on every target it predicts, a column per model (name over
 * version), a row per target; models beyond MAX_WIDTH columns go to a further block below, so
 * the table stays readable in a terminal however many versions are registered.
 */
export function formatTestMetrics(models: RegistryEntry[], maxWidth = MAX_WIDTH): string {
  const keys = TARGETS.map((t) => t.key).filter((k) => models.some((m) => byKey(m, k)));
  const label = (k: string) => {
    const unit = models.flatMap((m) => byKey(m, k) ?? [])[0]?.unit;
    return [k, unit ?? ''];
  };
  const column = (m: RegistryEntry) => {
    const cov = m.test.filter((t) => t.coverage90 !== undefined).map((t) => 100 * t.coverage90!);
    const range = cov.length
      ? `${Math.min(...cov).toFixed(1)}-${Math.max(...cov).toFixed(1)}%`
      : '-';
    return [m.version, ...keys.map((k) => byKey(m, k)?.mae.toPrecision(4) ?? '-'), range];
  };
  const labels = [['', ''], ...keys.map(label), ['cov90', '']];
  const labelWidth = Math.max(...labels.map((l) => l[0].length)) + 2;
  const unitWidth = Math.max(...labels.map((l) => l[1].length)) + 2;
  const blocks: RegistryEntry[][] = [];
  let width = labelWidth + unitWidth;
  for (const m of models) {
    const w = Math.max(m.name.length, ...column(m).map((c) => c.length)) + 2;
    if (!blocks.length || width + w > maxWidth) {
      blocks.push([]);
      width = labelWidth + unitWidth;
    }
    blocks[blocks.length - 1].push(m);
    width += w;
  }
  return blocks
    .map((block) => {
      const columns = block.map(column);
      return formatTable(
        ['target', 'unit', ...block.map((m) => m.name)],
        labels.map((l, i) => [...l, ...columns.map((c) => c[i])]),
      );
    })
    .join('\n\n');
}

function byKey(m: RegistryEntry, key: string): RegistryMetric | undefined {
  return m.test.find((t) => t.key === key);
}

async function measureTest(dir: string, opts: Options) {
  const predictor = await loadPredictor(dir);
  try {
    const dataset = await loadQm9Dataset(opts.data, opts.cache, (m) =>
      process.stderr.write(`${m}\n`),
    );
    const result = await evaluateOnSplit([predictor], dataset, 'test');
    return { id: modelId(predictor), metrics: result.metrics };
  } finally {
    predictor.dispose();
  }
}

async function register(dir: string, fromCard: boolean, opts: Options): Promise<void> {
  const test = fromCard
    ? (await readCard(dir)).metrics.test
    : (await measureTest(dir, opts)).metrics;
  const entry = await describeModelDir(opts.modelsDir, dir, test);
  await updateRegistryFile(opts.modelsDir, (r) => withEntry(r, entry));
  console.log(
    `registered ${modelId(entry)} (${Object.keys(entry.files).length} files) in ${registryPath(opts.modelsDir)}`,
  );
}

/** The candidate's entry: a registered id, or a directory (described afresh, not yet registered). */
async function candidateEntry(
  target: string,
  registry: ModelRegistry,
  opts: Options,
): Promise<{ entry: RegistryEntry; registered: boolean; dir: string }> {
  if (existsSync(path.join(target, 'model.json'))) {
    const fresh = await describeModelDir(opts.modelsDir, target, []);
    const known = registry.models.find((m) => modelId(m) === modelId(fresh));
    if (known && known.path !== fresh.path)
      throw new Error(
        `${modelId(fresh)} is already registered for ${known.path}; bump the version of ${target}`,
      );
    return { entry: known ?? fresh, registered: Boolean(known), dir: target };
  }
  const entry = resolveModel(registry, target);
  return { entry, registered: true, dir: path.join(opts.modelsDir, entry.path) };
}

async function promote(target: string, alias: Alias, opts: Options): Promise<void> {
  const before = await readRegistryFile(opts.modelsDir);
  const { entry, registered, dir } = await candidateEntry(target, before, opts);
  const id = modelId(entry);
  if (registered) {
    const problems = await checksumProblems(opts.modelsDir, entry);
    if (problems.length)
      throw new Error(
        `${id}: files differ from the registry, refusing:\n  ${problems.join('\n  ')}`,
      );
  }
  console.error(`evaluating ${id} (${dir}) on the test split of ${opts.data}`);
  const measured = await measureTest(dir, opts);
  if (measured.id !== id) throw new Error(`${dir} loads as ${measured.id}, expected ${id}`);
  const candidate = registryMetrics(measured.metrics);
  const productionId = before.aliases.production;
  const production = productionId ? resolveModel(before, productionId) : null;
  const gate = promotionGate(candidate, production?.test ?? null);
  console.log(formatMetricsTable(measured.metrics));
  console.log(
    `\npromotion gate: ${id} -> ${alias} against production ${productionId ?? '(none)'}\n${gate.lines.join('\n')}`,
  );
  if (!gate.passed) {
    throw new Error(
      `refused: ${id} does not pass the promotion gate; ${registryPath(opts.modelsDir)} is unchanged`,
    );
  }
  const at = new Date().toISOString();
  await updateRegistryFile(opts.modelsDir, (current) => {
    // Someone else moved production while we evaluated: the gate's numbers no longer apply.
    if (current.aliases.production !== productionId)
      throw new Error(
        `production moved to ${current.aliases.production} during the evaluation; run promote again`,
      );
    const withModel = registered ? current : withEntry(current, { ...entry, test: candidate });
    return withPromotion(withModel, alias, id, at, candidate);
  });
  console.log(`${alias}: ${before.aliases[alias] ?? '(none)'} -> ${id}`);
}

async function rollback(alias: Alias, opts: Options): Promise<void> {
  const next = await updateRegistryFile(opts.modelsDir, (r) =>
    withRollback(r, alias, new Date().toISOString()),
  );
  const last = next.history[next.history.length - 1];
  console.log(`${alias}: ${last.from} -> ${last.to}`);
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(argv, {
    alias: { type: 'string' },
    'from-card': { type: 'boolean', default: false },
    'models-dir': { type: 'string', default: DEFAULT_MODELS_DIR },
    data: { type: 'string', default: DEFAULT_DATA },
    cache: { type: 'string', default: DEFAULT_CACHE_DIR },
  });
  const [command, target, ...extra] = positionals;
  if (!command) {
    console.log(usageOf(modelsCommand));
    return;
  }
  if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const opts: Options = { modelsDir: values['models-dir'], data: values.data, cache: values.cache };
  const alias = values.alias ?? (command === 'rollback' ? DEFAULT_MODEL : undefined);
  if (alias !== undefined && !isAlias(alias))
    throw new UsageError(`--alias must be one of ${ALIASES.join(', ')}, got "${alias}"`);
  if (command === 'list') return list(opts);
  if (command === 'rollback') return rollback(alias as Alias, opts);
  if (!target) throw new UsageError(`${command} needs a model directory or id`);
  if (command === 'register') return register(target, values['from-card'], opts);
  if (command === 'promote') {
    if (!alias) throw new UsageError('promote needs --alias production or --alias staging');
    return promote(target, alias as Alias, opts);
  }
  throw new UsageError(`unknown command "${command}"`);
}

export const modelsCommand: Command = {
  name: 'models',
  script: 'models',
  synopsis: ['<command> [options]'],
  details: `  list                                   versions, aliases, test metrics, checksum state, history
  register <model dir> [--from-card]     add a directory under the models dir (test metrics measured,
                                         or copied from its model card with --from-card)
  promote <model dir|name@version> --alias production|staging
                                         registers the directory if needed, evaluates it on the test
                                         split and moves the alias only if the gate passes
  rollback [--alias ${DEFAULT_MODEL}]          moves the alias back one step
options: --models-dir ${DEFAULT_MODELS_DIR}  --data ${DEFAULT_DATA}  --cache ${DEFAULT_CACHE_DIR}`,
  run: main,
};

runIfMain(import.meta.url, modelsCommand);
