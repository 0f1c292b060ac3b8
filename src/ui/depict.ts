import { Molecule } from 'openchemlib';

const cache = new Map<string, string>();
const CACHE_LIMIT = 2000;

function moleculeFor(smiles: string | undefined, molblock: string | undefined): Molecule | null {
  try {
    if (smiles) return Molecule.fromSmiles(smiles);
  } catch {
    // RDKit writes a few SMILES OpenChemLib rejects; the molblock then still depicts it.
  }
  if (!molblock) return null;
  const molecule = Molecule.fromMolfile(molblock);
  molecule.removeExplicitHydrogens();
  molecule.inventCoordinates();
  return molecule;
}

/** 2D depiction as SVG markup; memoized because table pages redraw the same thumbnails. */
export function depictSvg(
  smiles: string | undefined,
  molblock: string | undefined,
  width: number,
  height: number,
): string | null {
  const key = `${width}x${height}:${smiles ?? molblock}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let svg: string | null = null;
  try {
    const molecule = moleculeFor(smiles, molblock);
    svg = molecule ? molecule.toSVG(width, height) : null;
  } catch {
    svg = null;
  }
  if (svg) {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(key, svg);
  }
  return svg;
}

/** A molfile for export when the reader gave none (SMILES input): OpenChemLib's 2D layout. */
export function molfileFromSmiles(smiles: string): string | undefined {
  try {
    return Molecule.fromSmiles(smiles).toMolfile();
  } catch {
    return undefined;
  }
}
