import { useEffect, useRef, useState } from 'react';
import { jobRunning, useApp } from '../store';
import { conformer, coordsToXyz } from '../structures';
import { contributionColour, rgbToHex } from '../contributionScale';
import type { ContributionView, ResultRow } from '../worker/protocol';
import type { AtomSpec, GLViewer } from '3dmol';

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

/**
 * Colour per 3D atom from the contributions, or why there is none. The contributions follow the
 * molecule's heavy atoms in order (hydrogens folded in); file coordinates keep that order and
 * generated conformers keep the heavy atoms' order, so the k-th heavy atom of the model gets the
 * k-th value, and a hydrogen takes its heavy atom's colour. Elements are checked, never assumed.
 */
function atomColours(
  atoms: AtomSpec[],
  view: ContributionView,
): { colours: Map<number, string> } | { problem: string } {
  const heavy = atoms.filter((a) => a.elem !== 'H');
  const values = view.atoms.filter((a) => a.element !== 'H');
  if (heavy.length !== values.length || heavy.some((a, k) => a.elem !== values[k].element)) {
    return { problem: 'the 3D structure does not list the atoms in the model’s order' };
  }
  const colours = new Map<number, string>();
  heavy.forEach((a, k) =>
    colours.set(a.index!, rgbToHex(contributionColour(values[k].value, view.range))),
  );
  for (const a of atoms) {
    if (a.elem !== 'H') continue;
    const owner = a.bonds?.find((b) => colours.has(b));
    colours.set(a.index!, owner === undefined ? '#dddddd' : colours.get(owner)!);
  }
  return { colours };
}

/** After the frame that shows the job's end (or at once where the browser has no idle callback). */
function idle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function')
      requestIdleCallback(() => resolve(), { timeout: 500 });
    else resolve();
  });
}

/** 3Dmol.js view: the file's own coordinates when it had them, otherwise a generated conformer. */
export function Viewer3D({
  row,
  contributions = null,
}: {
  row: ResultRow;
  contributions?: ContributionView | null;
}) {
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<{
    id: number;
    status: string;
    origin?: Source['origin'];
    /** 'yes' when contributions colour the atoms, otherwise why not; '' when colouring is off. */
    coloured?: string;
  } | null>(null);

  // One viewer (one WebGL context) per mount, reused for every molecule: creating a context
  // costs most of a second on software GL.
  const viewer = useRef<GLViewer | null>(null);
  // While a job runs, the 3D view waits: 3Dmol's first draw holds the main thread for half a second
  // on software GL, and a generated conformer takes a core for about a second, both taken from the
  // job on a two-core machine.
  const waiting = useApp(jobRunning);

  useEffect(() => {
    if (waiting) return;
    let stale = false;
    void (async () => {
      try {
        await idle();
        if (stale) return;
        const [$3Dmol, source] = await Promise.all([import('3dmol'), structure3d(row)]);
        if (stale || !host.current) return;
        viewer.current ??= $3Dmol.createViewer(host.current, { backgroundColor: 'white' });
        const v = viewer.current;
        v.clear();
        v.resize(); // the host may have been hidden (model tab) when the viewer was made
        v.addModel(source.data, source.format);
        v.setStyle({}, { stick: { radius: 0.14 }, sphere: { scale: 0.25 } });
        let coloured = '';
        if (contributions) {
          const result = atomColours(v.getModel().selectedAtoms({}), contributions);
          if ('colours' in result) {
            const colorfunc = (atom: AtomSpec) => result.colours.get(atom.index!) ?? '#dddddd';
            v.setStyle(
              {},
              { stick: { radius: 0.14, colorfunc }, sphere: { scale: 0.3, colorfunc } },
            );
            coloured = 'yes';
          } else coloured = result.problem;
        }
        v.zoomTo();
        // zoomTo leaves wide margins around small molecules; QM9-size ones read better closer.
        v.zoom(1.6);
        v.render();
        setState({ id: row.id, status: 'shown', origin: source.origin, coloured });
      } catch (error) {
        if (!stale)
          setState({ id: row.id, status: error instanceof Error ? error.message : String(error) });
      }
    })();
    return () => {
      stale = true;
    };
  }, [row, contributions, waiting]);

  const current = state?.id === row.id ? state : null;
  return (
    <figure className="viewer3d">
      <div
        ref={host}
        // Until this row is drawn the canvas still shows the previous molecule: hidden, not shown
        // under another molecule's name.
        style={current ? undefined : { visibility: 'hidden' }}
        className="viewer3d-host"
        data-testid="viewer3d"
        data-status={current?.status ?? 'loading'}
        data-origin={current?.origin ?? ''}
        data-coloured={current?.coloured ?? ''}
      />
      <figcaption>
        {!current && (waiting ? '3D view: drawn when the job ends' : 'preparing 3D structure…')}
        {current?.origin === 'file' && '3D: coordinates from the file'}
        {current?.origin === 'generated' && '3D: generated conformer (OpenChemLib)'}
        {current && current.status !== 'shown' && `3D view unavailable: ${current.status}`}
        {current?.coloured === 'yes' && ', coloured by atom contribution'}
        {current?.coloured && current.coloured !== 'yes' && ` (not coloured: ${current.coloured})`}
      </figcaption>
    </figure>
  );
}
