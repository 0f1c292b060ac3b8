// The HTML drift page from a report written by hand: verdicts, numbers as an operator reads them
// (fixed and exponential forms at their switch points), escaped text, and the exact bars.
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderDriftReportHtml } from '../../../server/drift/html';
import type { ColumnReport, DriftReport, TableReport } from '../../../server/drift/report';
import { DRIFT_RULES } from '../../../src/stats';

const histogram = {
  kind: 'bins' as const,
  edges: [0, 1, 2],
  reference: [1, 0.5],
  current: [0.5, 1],
};

function column(patch: Partial<ColumnReport>): ColumnReport {
  return {
    method: 'ks',
    statistic: 0.25,
    threshold: 0.05,
    drift: false,
    referenceRows: 10,
    currentRows: 5,
    distinctValues: 7,
    label: 'atoms (with H)',
    histogram,
    ...patch,
  };
}

function table(
  columns: Record<string, ColumnReport>,
  patch: Partial<TableReport> = {},
): TableReport {
  return {
    rows: { reference: 300, current: 40 },
    columns,
    driftedColumns: 1,
    totalColumns: 2,
    share: 0.5,
    datasetDrift: true,
    ...patch,
  };
}

function report(patch: Partial<DriftReport> = {}): DriftReport {
  return {
    generatedAt: '2026-12-01T10:00:00.000Z',
    requested: 50,
    molecules: 40,
    reference: {
      source: 'QM9 <train> & "val"',
      prediction: { target: 'gap', unit: 'eV', kind: 'label' },
    },
    rules: DRIFT_RULES,
    datasetDrift: false,
    tables: {
      molecules: table({
        num_nodes: column({ pValue: 0.000999, drift: true }),
        prediction: column({ pValue: 0.001, label: 'predicted gap (eV)' }),
      }),
      atoms: table(
        {
          feature_5: column({
            method: 'wasserstein',
            statistic: 123456,
            threshold: 0.1,
            label: 'atomic_number',
          }),
        },
        {
          datasetDrift: false,
          driftedColumns: 0,
          totalColumns: 1,
          share: 0,
          rows: { reference: 1000, current: 99999 },
        },
      ),
    },
    ...patch,
  };
}

describe('escapeHtml', () => {
  it('escapes the five HTML-special characters by code', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe(
      '&#60;a href=&#34;x&#34;&#62;Tom &#38; Jerry&#39;s&#60;/a&#62;',
    );
    expect(escapeHtml('plain text')).toBe('plain text');
  });
});

describe('renderDriftReportHtml', () => {
  // Rendered in each test, not once per file: a mutation tool credits code to the test it ran in.
  const render = () => renderDriftReportHtml(report());

  it('is a whole page with no scripts', () => {
    const html = render();
    expect(
      html.startsWith(
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Data drift report</title>',
      ),
    ).toBe(true);
    expect(html.endsWith('</body></html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
  });

  it('says so when the report has dataset drift', () => {
    expect(renderDriftReportHtml(report({ datasetDrift: true }))).toContain(
      '<h1>Data drift: drift detected</h1>',
    );
  });

  // The verdicts, counts and rules, then each column's card: verdict, method and the number it
  // was judged by.
  it.each([
    ['the verdict', '<h1>Data drift: no drift</h1>'],
    [
      'the window and the reference',
      '<p>Last 40 logged molecules (asked for 50) against the training reference: QM9 &#60;train&#62; &#38; &#34;val&#34;. Generated 2026-12-01T10:00:00.000Z.</p>',
    ],
    [
      'the rules',
      "<p>Methods follow Evidently's defaults: reference of at most 1000 rows: KS test (more than 5 distinct values), chi-squared, or Z-test (binary), drift when p &lt; 0.05; larger reference: normalized Wasserstein or Jensen-Shannon distance, drift when &ge; 0.1. A table drifts when at least 50% of its columns drift.</p>",
    ],
    [
      'the molecule table',
      '<h2>Per molecule: dataset drift</h2>\n<p>1 of 2 columns drift (share 0.5); reference rows 300, current rows 40.</p>',
    ],
    [
      'the atom table',
      '<h2>Per atom: no dataset drift</h2>\n<p>0 of 1 columns drift (share 0); reference rows 1000, current rows 99999.</p>',
    ],
    [
      'a drifted column',
      '<section class="column drift">\n<h3>atoms (with H) <code>num_nodes</code></h3>\n<p class="verdict">Drift detected: ks, p = 9.990e-4 (drift if &lt; 0.05)</p>',
    ],
    [
      'a column without drift',
      '<section class="column ok">\n<h3>predicted gap (eV) <code>prediction</code></h3>\n<p class="verdict">No drift: ks, p = 0.001 (drift if &lt; 0.05)</p>',
    ],
    [
      'a column judged by a distance',
      '<p class="verdict">No drift: wasserstein, distance = 1.235e+5 (drift if &ge; 0.1)</p>',
    ],
  ])('states %s', (_, part) => {
    expect(render()).toContain(part);
  });

  it('draws reference and current bars side by side, scaled to the tallest', () => {
    const html = render();
    expect(html).toContain(
      '<svg viewBox="0 0 320 134" width="320" height="134" role="img" aria-label="atoms (with H): reference vs current"><title>atoms (with H): reference vs current</title>' +
        '<rect class="ref" x="0.0" y="4.0" width="79.0" height="116.0"/><rect class="cur" x="80.0" y="62.0" width="79.0" height="58.0"/>' +
        '<rect class="ref" x="160.0" y="62.0" width="79.0" height="58.0"/><rect class="cur" x="240.0" y="4.0" width="79.0" height="116.0"/>' +
        '<text x="0" y="132">0</text><text x="320" y="132" text-anchor="end">2</text></svg>',
    );
  });

  it('draws an empty histogram flat, and many bars at least 1 wide', () => {
    const flat = renderDriftReportHtml(
      report({
        tables: {
          molecules: table({
            x: column({
              histogram: { kind: 'values', edges: [0.5, 0.5], reference: [0], current: [0] },
            }),
          }),
          atoms: table({
            y: column({
              histogram: {
                kind: 'bins',
                edges: Array.from({ length: 201 }, (_, i) => i * 1e-4),
                reference: Array(200).fill(0.005),
                current: Array(200).fill(0.005),
              },
            }),
          }),
        },
      }),
    );
    expect(flat).toContain(
      '<rect class="ref" x="0.0" y="120.0" width="159.0" height="0.0"/><rect class="cur" x="160.0" y="120.0" width="159.0" height="0.0"/><text x="0" y="132">0.5</text><text x="320" y="132" text-anchor="end">0.5</text>',
    );
    expect(flat).toContain('<rect class="cur" x="319.2" y="4.0" width="1.0" height="116.0"/>');
    expect(flat).toContain(
      '<text x="0" y="132">0</text><text x="320" y="132" text-anchor="end">0.02</text>',
    );
  });

  it.each([
    [0, '0'],
    [1e-3, '0.001'],
    [0.00099, '9.900e-4'],
    [-0.0005, '-5.000e-4'],
    [99_999, '100000'],
    [99_994, '99990'],
    [100_000, '1.000e+5'],
    [-100_000, '-1.000e+5'],
    [2 / 3, '0.6667'],
    [Infinity, 'Infinity'],
    [NaN, 'NaN'],
  ])('writes the statistic %d as %s', (statistic, text) => {
    const page = renderDriftReportHtml(
      report({
        tables: {
          molecules: table({ x: column({ method: 'jensenshannon', statistic }) }),
          atoms: table({}),
        },
      }),
    );
    expect(page).toContain(`No drift: jensenshannon, distance = ${text} (drift if &ge; 0.05)`);
  });
});
