import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { RegistryEntry } from '../../src/model/registry';
import { formatTestMetrics } from '../../training/models';

const run = promisify(execFile);

const entry = (
  name: string,
  version: string,
  test: [string, string, number, number?][],
): RegistryEntry =>
  ({
    name,
    version,
    path: name,
    kind: 'product',
    files: {},
    registeredAt: '2026-01-01T00:00:00Z',
    test: test.map(([key, unit, mae, coverage90]) => ({ key, unit, n: 10, mae, coverage90 })),
  }) as RegistryEntry;

/** The cells of the row whose first cell is `label`, split on runs of two or more spaces. */
const row = (table: string, label: string) =>
  table
    .split('\n')
    .find((l) => l.startsWith(`${label} `))
    ?.split(/ {2,}/);

describe('models list: test MAE per target', () => {
  it('puts every target of every model in its column, "-" where a model lacks the target', () => {
    const table = formatTestMetrics([
      entry('gap-only', '1.0.0', [['gap', 'eV', 0.2, 0.9]]),
      entry('all', '2.1.0', [
        ['mu', 'D', 0.48, 0.895],
        ['gap', 'eV', 0.1351, 0.907],
        ['cv', 'cal/(mol·K)', 0.1543],
      ]),
    ]);
    expect(row(table, 'target')).toEqual(['target', 'unit', 'gap-only', 'all']);
    // The version line under the names.
    expect(table.split('\n')[1].trim().split(/ +/)).toEqual(['1.0.0', '2.1.0']);
    // Targets in the project's order (mu before gap before cv), whatever order the card had.
    expect(
      table
        .split('\n')
        .slice(2)
        .map((l) => l.split(' ')[0]),
    ).toEqual(['mu', 'gap', 'cv', 'cov90']);
    expect(row(table, 'mu')).toEqual(['mu', 'D', '-', '0.4800']);
    expect(row(table, 'gap')).toEqual(['gap', 'eV', '0.2000', '0.1351']);
    expect(row(table, 'cv')).toEqual(['cv', 'cal/(mol·K)', '-', '0.1543']);
    expect(row(table, 'cov90')).toEqual(['cov90', '90.0-90.0%', '89.5-90.7%']);
  });

  it('stays within the width, moving further models to another block', () => {
    const models = Array.from({ length: 9 }, (_, i) =>
      entry(`model-number-${i}`, `1.${i}.0`, [['gap', 'eV', 0.1 + i / 100]]),
    );
    const table = formatTestMetrics(models, 80);
    for (const line of table.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    const blocks = table.split('\n\n');
    expect(blocks.length).toBeGreaterThan(1);
    // Every model once, in order, each block with its own labels.
    const names = blocks.flatMap((b) => row(b, 'target')!.slice(2));
    expect(names).toEqual(models.map((m) => m.name));
    const gaps = blocks.flatMap((b) => row(b, 'gap')!.slice(2));
    expect(gaps).toEqual([
      '0.1000',
      '0.1100',
      '0.1200',
      '0.1300',
      '0.1400',
      '0.1500',
      '0.1600',
      '0.1700',
      '0.1800',
    ]);
  });

  it('npm run models -- list shows the shipped models test MAE for each target, within 100 columns', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'training/models.ts', 'list'],
      { maxBuffer: 1 << 24 },
    );
    const metrics = stdout.slice(
      stdout.indexOf('test MAE per target'),
      stdout.indexOf('\nhistory'),
    );
    const registry = JSON.parse(await readFile('public/models/registry.json', 'utf8')) as {
      models: RegistryEntry[];
      aliases: { production: string };
    };
    const production = registry.models.find(
      (m) => `${m.name}@${m.version}` === registry.aliases.production,
    )!;
    expect(production.test.length).toBeGreaterThan(1);
    // Each of the production model's MAEs is a cell of its target's row.
    for (const t of production.test) {
      const cells = metrics
        .split('\n')
        .filter((l) => l.startsWith(`${t.key} `))
        .flatMap((l) => l.split(/ {2,}/));
      expect(cells, t.key).toContain(t.mae.toPrecision(4));
    }
    for (const line of stdout.slice(0, stdout.indexOf('\nhistory')).split('\n'))
      expect([...line].length, line).toBeLessThanOrEqual(100);
  }, 60_000);
});
