import { useEffect, useId, useState } from 'react';
import { jobRunning, useApp } from '../store';
import { depiction, depictionIfReady } from '../structures';
import type { ResultRow } from '../worker/protocol';

interface Props {
  row: ResultRow;
  width: number;
  height: number;
  className: string;
  testId?: string;
}

/** What a screen reader says for a drawing: the molecule's name, formula and SMILES. */
export function structureDescription(row: ResultRow): string {
  const what = [row.name, row.formula].filter(Boolean).join(', ');
  return `Structure of ${what || `record ${row.record}`}${row.smiles ? ` (SMILES ${row.smiles})` : ''}`;
}

/** Something to draw: every read record, and refused ones RDKit still read (element errors). */
export function drawable(row: ResultRow): boolean {
  return row.status !== 'error' || Boolean(row.smiles);
}

/**
 * OpenChemLib names every drawing's root "mol1" and scopes its style to that id: each copy on the
 * page gets its own id so the ids stay unique and one drawing's style never applies to another.
 */
function withOwnId(svg: string, id: string): string {
  return svg.replace(/mol1\b/g, id).replace('<svg ', '<svg aria-hidden="true" focusable="false" ');
}

/** A 2D structure drawn in the structure worker; an empty box until it arrives. */
export function Depiction({ row, width, height, className, testId }: Props) {
  const id = `depiction${useId().replace(/[^a-zA-Z0-9]/g, '')}`;
  const input = { smiles: row.smiles, molblock: row.molblock };
  const canDraw = drawable(row);
  const ready = canDraw ? depictionIfReady(input, width, height) : null;
  const [late, setLate] = useState<{ id: number; svg: string | null } | null>(null);
  // New drawings wait for the job's end: the structure worker's OpenChemLib would take a core
  // from the job (a page of thumbnails is about a second of CPU), and a drawing cached before
  // still shows at once.
  const waiting = useApp(jobRunning);
  useEffect(() => {
    if (!canDraw || ready !== undefined || waiting) return;
    let live = true;
    depiction({ smiles: row.smiles, molblock: row.molblock }, width, height).then(
      (svg) => live && setLate({ id: row.id, svg }),
      () => live && setLate({ id: row.id, svg: null }),
    );
    return () => {
      live = false;
    };
  }, [row, ready, width, height, canDraw, waiting]);
  const svg = ready ?? (late?.id === row.id ? late.svg : null);
  if (!canDraw) return <span className={className} />;
  return svg ? (
    <span
      className={className}
      data-testid={testId}
      role="img"
      aria-label={structureDescription(row)}
      dangerouslySetInnerHTML={{ __html: withOwnId(svg, id) }}
    />
  ) : (
    <span className={className} role="img" aria-label={`${structureDescription(row)}: drawing…`} />
  );
}
