import { memo, useDeferredValue, useMemo, useState, type KeyboardEvent } from 'react';
import type { TargetKey } from '../../model/contracts';
import { molfile2d } from '../structures';
import { Depiction, drawable } from './Depiction';
import { downloadText, rowsToCsv, rowsToSdf } from '../exportResults';
import { formatInterval, formatValue } from '../format';
import { PROPERTIES } from '../properties';
import { readingOf, statusLabel, statusReason } from '../reading';
import { useApp } from '../store';
import type { ResultRow, RowStatus } from '../worker/protocol';

const PAGE_SIZE = 50;
type SortKey = 'id' | 'name' | 'status' | TargetKey;
type StatusFilter = 'all' | RowStatus;
export interface SortOrder {
  key: SortKey;
  descending: boolean;
}

function sortValue(row: ResultRow, key: SortKey): number | string {
  if (key === 'id') return row.id;
  if (key === 'name') return row.name || row.smiles || '';
  if (key === 'status') return statusLabel(row);
  return row.prediction?.values[key] ?? Number.NaN;
}

/** Rows without a value come last in both directions; ties keep the input order. */
export function compareRows(a: ResultRow, b: ResultRow, { key, descending }: SortOrder): number {
  const va = sortValue(a, key);
  const vb = sortValue(b, key);
  const sign = descending ? -1 : 1;
  if (typeof va === 'number' && typeof vb === 'number') {
    if (Number.isNaN(va)) return Number.isNaN(vb) ? a.id - b.id : 1;
    if (Number.isNaN(vb)) return -1;
    return sign * (va - vb) || a.id - b.id;
  }
  return sign * String(va).localeCompare(String(vb)) || a.id - b.id;
}

/**
 * The rows in the order asked for, sorted in place. The store keeps rows in input order, so the
 * default order needs only a check, not a sort, each time a job adds rows.
 */
export function sortRows(rows: ResultRow[], order: SortOrder): ResultRow[] {
  for (let i = 1; i < rows.length; i++) {
    if (compareRows(rows[i - 1], rows[i], order) > 0) {
      return rows.sort((a, b) => compareRows(a, b, order));
    }
  }
  return rows;
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
  const reason = statusReason(row);
  return (
    <td className={`status ${row.status}`} data-testid="row-status">
      <div className="cell-line">
        <span className="status-label">{statusLabel(row)}</span>
        {/* One line here; the whole text in the tooltip and in the detail view. */}
        {reason && (
          <span className="reason" title={reason}>
            {reason}
          </span>
        )}
      </div>
    </td>
  );
}

function ValueCell({ row, target }: { row: ResultRow; target: TargetKey }) {
  const reading = readingOf(row, target);
  if (reading.value === undefined) return <td className="num" />;
  return (
    <td className={reading.extrapolated ? 'num extrapolated' : 'num'}>
      <div className="cell-line">
        <span className="value">{formatValue(reading.value)}</span>
        {reading.extrapolated ? (
          <span className="extrapolation-tag" title="Outside what the model learned: no interval">
            extrapolation
          </span>
        ) : (
          reading.interval && (
            <span className="interval" title="central 90 % interval">
              {formatInterval(reading.interval)}
            </span>
          )
        )}
      </div>
    </td>
  );
}

function onRowKey(event: KeyboardEvent<HTMLTableRowElement>, select: () => void): void {
  if (event.target !== event.currentTarget) return;
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    select();
  }
}

/** One row of the table; rows already shown are not rendered again while a job adds more. */
const TableRow = memo(function TableRow({
  row,
  selected,
  select,
}: {
  row: ResultRow;
  selected: boolean;
  select: (id: number) => void;
}) {
  return (
    <tr
      className={selected ? 'selected' : undefined}
      onClick={() => select(row.id)}
      onKeyDown={(event) => onRowKey(event, () => select(row.id))}
      tabIndex={0}
      aria-label={`Record ${row.record}${row.name ? `, ${row.name}` : ''}: ${statusLabel(row)}`}
      data-testid="result-row"
      data-status={row.status}
      data-record={row.record}
    >
      <td className="num">{row.record}</td>
      <td className="name">
        <div className="cell-stack">
          <span>{row.name}</span>
          <span className="muted small">{row.source}</span>
        </div>
      </td>
      <td className="structure-cell">
        <div className="cell-line">
          <Depiction row={row} width={72} height={54} className="thumb" />
          <code className="small smiles" title={row.smiles}>
            {row.smiles}
          </code>
        </div>
      </td>
      <StatusCell row={row} />
      {PROPERTIES.map((p) => (
        <ValueCell key={p.key} row={row} target={p.key} />
      ))}
    </tr>
  );
});

/** SDF of the rows; rows read without a molblock get a 2D layout from the structure worker first. */
async function exportSdf(rows: ResultRow[]): Promise<void> {
  const layouts = new Map<number, string>();
  await Promise.all(
    rows
      .filter((row) => drawable(row) && !row.molblock && row.smiles)
      .map((row) =>
        molfile2d({ smiles: row.smiles }).then(
          (molfile) => layouts.set(row.id, molfile),
          () => undefined, // written with an empty structure; the record and its fields stay
        ),
      ),
  );
  downloadText(
    'predictions.sdf',
    rowsToSdf(rows, (row) => layouts.get(row.id)),
    'chemical/x-mdl-sdfile',
  );
}

/** Exports follow the input order whatever the sort: one entry per record, as it was read. */
function inInputOrder(rows: ResultRow[]): ResultRow[] {
  return [...rows].sort((a, b) => a.id - b.id);
}

export function BatchTable() {
  // A store change renders at once and cannot be split; the table renders the rows as a deferred
  // value instead, which React renders in slices between frames and clicks while a job streams in.
  const rows = useDeferredValue(useApp((s) => s.rows));
  const selectedId = useApp((s) => s.selectedId);
  const select = useApp((s) => s.select);
  const [sort, setSort] = useState<SortOrder>({ key: 'id', descending: false });
  const [text, setText] = useState('');
  const [status, setStatus] = useState<StatusFilter>('all');
  const [page, setPage] = useState(0);

  const visible = useMemo(
    () => sortRows(filterRows(rows, text, status), sort),
    [rows, text, status, sort],
  );
  const pages = Math.max(1, Math.ceil(visible.length / PAGE_SIZE));
  const currentPage = Math.min(page, pages - 1);
  const pageRows = visible.slice(currentPage * PAGE_SIZE, (currentPage + 1) * PAGE_SIZE);
  const counts = useMemo(() => {
    const c: Record<RowStatus, number> = { predicted: 0, warning: 0, error: 0, parsed: 0 };
    for (const row of rows) c[row.status] += 1;
    return c;
  }, [rows]);

  if (rows.length === 0) return null;

  const header = (key: SortKey, label: string, className?: string) => (
    <th
      scope="col"
      className={className}
      aria-sort={sort.key === key ? (sort.descending ? 'descending' : 'ascending') : undefined}
    >
      <button
        type="button"
        className="sort"
        onClick={() => {
          setSort((s) => ({ key, descending: s.key === key ? !s.descending : false }));
          setPage(0);
        }}
      >
        {label}
        <span aria-hidden="true">{sort.key === key ? (sort.descending ? ' ▼' : ' ▲') : ''}</span>
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
          <option value="warning">extrapolation</option>
          <option value="error">not predicted (unreadable or outside the model)</option>
          <option value="parsed">waiting for the model</option>
        </select>
        {/* Whatever the filter: an export is the user's whole input back, record for record. */}
        <button
          type="button"
          title={`All ${rows.length} records in input order, with your own fields`}
          onClick={() => downloadText('predictions.csv', rowsToCsv(inInputOrder(rows)), 'text/csv')}
        >
          Export CSV
        </button>
        <button
          type="button"
          title={`All ${rows.length} records in input order, with your own fields`}
          onClick={() => void exportSdf(inInputOrder(rows))}
        >
          Export SDF
        </button>
        <button type="button" onClick={() => useApp.setState({ rows: [], selectedId: null })}>
          Clear
        </button>
      </div>
      <p className="legend muted small">
        Small numbers: the central 90 % interval. <em>Extrapolation</em>: the molecule lies outside
        QM9 or outside what the model learned; the number is a guess without an interval. Select a
        row (click, or Tab and Enter) for its details.
      </p>
      <div className="table-scroll">
        <table className="results" data-testid="results-table" aria-label="Predictions">
          <thead>
            <tr>
              {header('id', '#')}
              {header('name', 'Name')}
              <th scope="col">Structure</th>
              {header('status', 'Status')}
              {PROPERTIES.map((p) => header(p.key, p.heading, 'property'))}
            </tr>
          </thead>
          <tbody>
            {pageRows.map((row) => (
              <TableRow key={row.id} row={row} selected={row.id === selectedId} select={select} />
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 && (
        <nav className="pager" aria-label="Result pages">
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
