// The drift report as one self-contained HTML page: no scripts, inline SVG histograms.
import type { ComparisonHistogram } from '../../src/stats';
import type { ColumnReport, DriftReport, TableReport } from './report';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(3);
  return Number(v.toPrecision(4)).toString();
}

const WIDTH = 320;
const HEIGHT = 120;

function histogramSvg(h: ComparisonHistogram, title: string): string {
  const bars = h.reference.length;
  const max = Math.max(...h.reference, ...h.current, 1e-12);
  const slot = WIDTH / bars;
  const barWidth = Math.max(1, slot / 2 - 1);
  const rects: string[] = [];
  for (let i = 0; i < bars; i++) {
    const x = i * slot;
    const rh = (h.reference[i] / max) * (HEIGHT - 4);
    const ch = (h.current[i] / max) * (HEIGHT - 4);
    rects.push(
      `<rect class="ref" x="${x.toFixed(1)}" y="${(HEIGHT - rh).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${rh.toFixed(1)}"/>`,
      `<rect class="cur" x="${(x + slot / 2).toFixed(1)}" y="${(HEIGHT - ch).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${ch.toFixed(1)}"/>`,
    );
  }
  const first = formatNumber(h.edges[0]);
  const last = formatNumber(h.edges[h.edges.length - 1]);
  return (
    `<svg viewBox="0 0 ${WIDTH} ${HEIGHT + 14}" width="${WIDTH}" height="${HEIGHT + 14}" role="img" aria-label="${escapeHtml(title)}">` +
    `<title>${escapeHtml(title)}</title>${rects.join('')}` +
    `<text x="0" y="${HEIGHT + 12}">${first}</text><text x="${WIDTH}" y="${HEIGHT + 12}" text-anchor="end">${last}</text></svg>`
  );
}

function columnCard(name: string, c: ColumnReport): string {
  const result =
    c.pValue !== undefined
      ? `p = ${formatNumber(c.pValue)} (drift if &lt; ${c.threshold})`
      : `distance = ${formatNumber(c.statistic)} (drift if &ge; ${c.threshold})`;
  return `<section class="column ${c.drift ? 'drift' : 'ok'}">
<h3>${escapeHtml(c.label)} <code>${escapeHtml(name)}</code></h3>
<p class="verdict">${c.drift ? 'Drift detected' : 'No drift'}: ${escapeHtml(c.method)}, ${result}</p>
${histogramSvg(c.histogram, `${c.label}: reference vs current`)}
</section>`;
}

function tableSection(title: string, t: TableReport): string {
  const cards = Object.entries(t.columns).map(([n, c]) => columnCard(n, c));
  return `<h2>${escapeHtml(title)}: ${t.datasetDrift ? 'dataset drift' : 'no dataset drift'}</h2>
<p>${t.driftedColumns} of ${t.totalColumns} columns drift (share ${formatNumber(t.share)}); reference rows ${t.rows.reference}, current rows ${t.rows.current}.</p>
<div class="grid">${cards.join('\n')}</div>`;
}

export function renderDriftReportHtml(report: DriftReport): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Data drift report</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:1rem}
.column{border:1px solid #ccc;border-radius:6px;padding:.5rem}
.column.drift{border-color:#c0392b;background:#fdf2f1}
.column h3{font-size:1rem;margin:.2rem 0}
.verdict{margin:.2rem 0 .5rem;font-size:.9rem}
rect.ref{fill:#7f8c8d}rect.cur{fill:#2e86de}
svg text{font-size:10px;fill:#555}
.legend span{display:inline-block;width:.8em;height:.8em;margin:0 .3em 0 1em}
</style></head><body>
<h1>Data drift: ${report.datasetDrift ? 'drift detected' : 'no drift'}</h1>
<p>Last ${report.molecules} logged molecules (asked for ${report.requested}) against the training reference: ${escapeHtml(report.reference.source)}. Generated ${escapeHtml(report.generatedAt)}.</p>
<p class="legend"><span style="background:#7f8c8d"></span>reference<span style="background:#2e86de"></span>current (share of rows per bar)</p>
<p>Methods follow Evidently's defaults: reference of at most ${report.rules.smallReferenceMaxRows} rows: KS test (more than ${report.rules.maxCategoricalValues} distinct values), chi-squared, or Z-test (binary), drift when p &lt; ${report.rules.pValueThreshold}; larger reference: normalized Wasserstein or Jensen-Shannon distance, drift when &ge; ${report.rules.distanceThreshold}. A table drifts when at least ${report.rules.datasetDriftShare * 100}% of its columns drift.</p>
${tableSection('Per molecule', report.tables.molecules)}
${tableSection('Per atom', report.tables.atoms)}
</body></html>`;
}
