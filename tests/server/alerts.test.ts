// The alert rules pass `promtool check rules` and their unit tests (`promtool test rules`),
// and every metric they read is one the server exports.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMetrics } from '../../server/metrics';

const here = join(dirname(fileURLToPath(import.meta.url)), '../../server/alerts');
const rules = join(here, 'qm9-server.rules.yml');
const ruleTests = join(here, 'qm9-server.rules.test.yml');
const promtool = spawnSync('promtool', ['--version']).status === 0;
if (!promtool) {
  console.warn(
    'alerts.test.ts: promtool checks SKIPPED because promtool is not installed (apt-get install prometheus; .ci/run does)',
  );
}

describe('alert rules', () => {
  it.skipIf(!promtool)('pass promtool check rules', () => {
    const out = execFileSync('promtool', ['check', 'rules', rules], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: 7 rules found/);
  });

  it.skipIf(!promtool)('pass their promtool unit tests', () => {
    const run = spawnSync('promtool', ['test', 'rules', ruleTests], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).toMatch(/SUCCESS/);
    expect(run.status).toBe(0);
  });

  it('read only metrics the server exports', async () => {
    const exported = new Set(
      (await createMetrics().registry.getMetricsAsJSON()).flatMap((m) =>
        String(m.type) === 'histogram'
          ? [m.name, `${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`]
          : [m.name],
      ),
    );
    const text = readFileSync(rules, 'utf8');
    const exprs = [...text.matchAll(/expr: (\|\n(?:\s{10,}.*\n)+|.*\n)/g)].map((m) => m[1]);
    const used = new Set(
      exprs.flatMap((e) =>
        [...e.matchAll(/\b((?:http|qm9|nodejs|process)_[a-z_]+)\b/g)].map((m) => m[1]),
      ),
    );
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
  });
});
