import { useEffect, useState } from 'react';
import { depiction, depictionIfReady } from '../structures';
import type { ResultRow } from '../worker/protocol';

interface Props {
  row: ResultRow;
  width: number;
  height: number;
  className: string;
  testId?: string;
}

/** A 2D structure drawn in the structure worker; an empty box until it arrives. */
export function Depiction({ row, width, height, className, testId }: Props) {
  const input = { smiles: row.smiles, molblock: row.molblock };
  const ready = row.status === 'error' ? null : depictionIfReady(input, width, height);
  const [late, setLate] = useState<{ id: number; svg: string | null } | null>(null);
  useEffect(() => {
    if (row.status === 'error' || ready !== undefined) return;
    let live = true;
    depiction({ smiles: row.smiles, molblock: row.molblock }, width, height).then(
      (svg) => live && setLate({ id: row.id, svg }),
      () => live && setLate({ id: row.id, svg: null }),
    );
    return () => {
      live = false;
    };
  }, [row, ready, width, height]);
  const svg = ready ?? (late?.id === row.id ? late.svg : null);
  return svg ? (
    <span className={className} data-testid={testId} dangerouslySetInnerHTML={{ __html: svg }} />
  ) : (
    <span className={className} />
  );
}
