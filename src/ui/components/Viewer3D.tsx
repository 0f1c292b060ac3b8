import { useEffect, useRef, useState } from 'react';
import { conformer, coordsToXyz } from '../structures';
import type { ResultRow } from '../worker/protocol';
import type { GLViewer } from '3dmol';

type Source = { format: 'xyz' | 'sdf'; data: string; origin: 'file' | 'generated' };

async function structure3d(row: ResultRow): Promise<Source> {
  if (row.coords && row.atomicNumbers && row.coords.length === row.atomicNumbers.length) {
    return {
      format: 'xyz',
      data: coordsToXyz(row.atomicNumbers, row.coords, row.name),
      origin: 'file',
    };
  }
  if (!row.molblock && !row.smiles) throw new Error('no structure to show');
  const data = await conformer({ molblock: row.molblock, smiles: row.smiles });
  return { format: 'sdf', data, origin: 'generated' };
}

/** 3Dmol.js view: the file's own coordinates when it had them, otherwise a generated conformer. */
export function Viewer3D({ row }: { row: ResultRow }) {
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<{
    id: number;
    status: string;
    origin?: Source['origin'];
  } | null>(null);

  // One viewer (one WebGL context) per mount, reused for every molecule: creating a context
  // costs most of a second on software GL.
  const viewer = useRef<GLViewer | null>(null);

  useEffect(() => {
    let stale = false;
    void (async () => {
      try {
        const [$3Dmol, source] = await Promise.all([import('3dmol'), structure3d(row)]);
        if (stale || !host.current) return;
        viewer.current ??= $3Dmol.createViewer(host.current, { backgroundColor: 'white' });
        const v = viewer.current;
        v.clear();
        v.resize(); // the host may have been hidden (model tab) when the viewer was made
        v.addModel(source.data, source.format);
        v.setStyle({}, { stick: { radius: 0.14 }, sphere: { scale: 0.25 } });
        v.zoomTo();
        // zoomTo leaves wide margins around small molecules; QM9-size ones read better closer.
        v.zoom(1.6);
        v.render();
        setState({ id: row.id, status: 'shown', origin: source.origin });
      } catch (error) {
        if (!stale)
          setState({ id: row.id, status: error instanceof Error ? error.message : String(error) });
      }
    })();
    return () => {
      stale = true;
    };
  }, [row]);

  const current = state?.id === row.id ? state : null;
  return (
    <figure className="viewer3d">
      <div
        ref={host}
        className="viewer3d-host"
        data-testid="viewer3d"
        data-status={current?.status ?? 'loading'}
        data-origin={current?.origin ?? ''}
      />
      <figcaption>
        {!current && 'preparing 3D structure…'}
        {current?.origin === 'file' && '3D: coordinates from the file'}
        {current?.origin === 'generated' && '3D: generated conformer (OpenChemLib)'}
        {current && current.status !== 'shown' && `3D view unavailable: ${current.status}`}
      </figcaption>
    </figure>
  );
}
