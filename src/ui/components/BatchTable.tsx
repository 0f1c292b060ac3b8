import { useMemo, useState } from 'react';
import { TARGETS, type TargetKey } from '../../model/types';
import { molfile2d } from '../structures';
import { Depiction } from './Depiction';
import { downloadText, rowsToCsv, rowsToSdf } from '../exportResults';
import { formatValue } from '../format';
import { useApp } from '../store';
import type { ResultRow, RowStatus } from '../worker/protocol';

const PAGE_SIZE = 50;
type SortKey = 'id' | 'name' | 'status' | TargetKey;
type StatusFilter = 'all' | RowStatus;

function sortValue(row: ResultRow, key: SortKey): number | string {
  if (key === 'id') return row.id;
  if (key === 'name') return row.name || row.smiles || '';
  if (key === 'status') return row.status;
  return row.prediction?.values[key] ?? Number.NaN;
}

function compareRows(a: ResultRow, b: ResultRow, key: SortKey): number {
  const va = sortValue(a, key);
  const vb = sortValue(b, key);
  if (typeof va === 'number' && typeof vb === 'number') {
    // Rows without a value sink to the end in both directions of numeric sorts.
    if (Number.isNaN(va)) return Number.isNaN(vb) ? a.id - b.id : 1;
    if (Number.isNaN(vb)) return -1;
    return va - vb || a.id - b.id;
  }
  return String(va).localeCompare(String(vb)) || a.id - b.id;
}

export function filterRows(rows: ResultRow[], text: string, status: StatusFilter): ResultRow[] {
  const needle = text.trim().toLowerCase();
  return rows.filter(
    (row) =>
      (status === 'all' || row.status === status) &&
      (needle === '' ||
        [row.name, row.smiles, row.formula, row.source, row.message].some((f) =>
          f?.toLowerCase().includes(needle),
        )),
  );
}

function StatusCell({ row }: { row: ResultRow }) {
  const reason =
    row.status === 'error' ? row.message : row.warnings.map((w) => w.message).join('; ');
  return (
    <td className={`status ${row.status}`} data-testid="row-status">
      <span className="status-label">{row.status}</span>
      {reason && <span className="reason">{reason}</span>}
    </td>
  );
}

/** SDF of the rows; rows read from SMILES get a 2D layout from the structure worker first. */
async function exportSdf(rows: ResultRow[]): Promise<void> {
  const layouts = new Map<number, string>();
  await Promise.all(
    rows
      .filter((row) => row.status !== 'error' && !row.molblock && row.smiles)
      .map((row) =>
        molfile2d({ smiles: row.smiles }).then(
          (molfile) => layouts.set(row.id, molfile),
          () => undefined, // left out of the SDF; the CSV still lists it
        ),
      ),
  );
  downloadText(
    'predictions.sdf',
    rowsToSdf(rows, (row) => layouts.get(row.id)),
    'chemical/x-mdl-sdfile',
  );
}

export function BatchTable() {
  const rows = useApp((s) => s.rows);
  const selectedId = useApp((s) => s.selectedId);
  const select = useApp((s) => s.select);
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({
    key: 'id',
    descending: false,
  });
  const [text, setText] = useState('');
  const [status, setStatus] = useState<StatusFilter>('all');
  const [page, setPage] = useState(0);

  const visible = useMemo(() => {
    const filtered = filterRows(rows, text, status);
    const sorted = filtered.sort((a, b) => compareRows(a, b, sort.key));
    return sort.descending ? sorted.reverse() : sorted;
  }, [rows, text, status, sort]);
  const pages = Math.max(1, Math.ceil(visible.length / PAGE_SIZE));
  const currentPage = Math.min(page, pages - 1);
  const pageRows = visible.slice(currentPage * PAGE_SIZE, (currentPage + 1) * PAGE_SIZE);
  const counts = useMemo(() => {
    const c: Record<RowStatus, number> = { predicted: 0, warning: 0, error: 0, parsed: 0 };
    for (const row of rows) c[row.status] += 1;
    return c;
  }, [rows]);

  if (rows.length === 0) return null;

  const header = (key: SortKey, label: string, title?: string) => (
    <th
      scope="col"
      title={title}
      aria-sort={sort.key === key ? (sort.descending ? 'descending' : 'ascending') : 'none'}
    >
      <button
        type="button"
        className="sort"
        onClick={() => setSort((s) => ({ key, descending: s.key === key ? !s.descending : false }))}
      >
        {label}
        {sort.key === key ? (sort.descending ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );

  return (
    <section className="panel batch" aria-label="Results table">
      <div className="batch-toolbar">
        <h2>Results</h2>
        <span data-testid="batch-counts">
          {rows.length} rows · {counts.predicted} predicted · {counts.warning} warning ·{' '}
          {counts.error} error
          {counts.parsed > 0 && ` · ${counts.parsed} not predicted`}
        </span>
        <input
          type="search"
          placeholder="Filter by name, SMILES, formula, file…"
          aria-label="Filter rows"
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            setPage(0);
          }}
        />
        <select
          aria-label="Status filter"
          value={status}
          onChange={(event) => {
            setStatus(event.target.value as StatusFilter);
            setPage(0);
          }}
        >
          <option value="all">all statuses</option>
          <option value="predicted">predicted</option>
          <option value="warning">warning</option>
          <option value="error">error</option>
          <option value="parsed">not predicted</option>
        </select>
        <button
          type="button"
          onClick={() => downloadText('predictions.csv', rowsToCsv(visible), 'text/csv')}
        >
          Export CSV
        </button>
        <button type="button" onClick={() => void exportSdf(visible)}>
          Export SDF
        </button>
        <button type="button" onClick={() => useApp.setState({ rows: [], selectedId: null })}>
          Clear
        </button>
      </div>
      <div className="table-scroll">
        <table className="results" data-testid="results-table">
          <thead>
            <tr>
              {header('id', '#', 'input order')}
              {header('name', 'Name')}
              <th scope="col">Structure</th>
              {header('status', 'Status')}
              {TARGETS.map((t) =>
                header(t.key, t.key, `${t.label} (${t.unit}), ± one standard deviation`),
              )}
            </tr>
          </thead>
          <tbody>
            {pageRows.map((row) => (
              <tr
                key={row.id}
                className={row.id === selectedId ? 'selected' : undefined}
                onClick={() => select(row.id)}
                data-testid="result-row"
                data-status={row.status}
                data-record={row.record}
              >
                <td className="num">{row.record}</td>
                <td className="name">
                  <span>{row.name}</span>
                  <span className="muted small">{row.source}</span>
                </td>
                <td className="structure-cell">
                  <Depiction row={row} width={72} height={54} className="thumb" />
                  <code className="small">{row.smiles}</code>
                </td>
                <StatusCell row={row} />
                {TARGETS.map((t) => (
                  <td key={t.key} className="num">
                    {formatValue(row.prediction?.values[t.key])}
                    {row.prediction?.std[t.key] !== undefined && (
                      <span className="std"> ±{formatValue(row.prediction.std[t.key])}</span>
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 && (
        <nav className="pager" aria-label="Pages">
          <button
            type="button"
            disabled={currentPage === 0}
            onClick={() => setPage(currentPage - 1)}
          >
            Previous
          </button>
          <span>
            page {currentPage + 1} of {pages} ({visible.length} rows)
          </span>
          <button
            type="button"
            disabled={currentPage >= pages - 1}
            onClick={() => setPage(currentPage + 1)}
          >
            Next
          </button>
        </nav>
      )}
    </section>
  );
}
