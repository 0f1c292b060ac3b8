import { perceiveBonds, type XyzAtom } from '../bondPerception';
import { elementSymbol } from '../types';
import { ChemError, MAX_FEATURIZED_ATOMS } from '../errors';
import { assertHeavyAtomLimit, guardRecord, parseMolblock, type ParseOptions } from '../molecule';
import type { MoleculeResult } from '../types';
import { lazyRecords, type MoleculeRecords } from './records';

const Z_OF: Record<string, number> = {};
for (let z = 1; z <= 118; z++) Z_OF[elementSymbol(z).toLowerCase()] = z;

interface XyzBlock {
  record: number;
  comment: string;
  atoms?: XyzAtom[];
  error?: string;
}

/** Splits a (multi-molecule) XYZ file into blocks; a broken block resynchronises on the next count line. */
export function splitXyz(text: string): XyzBlock[] {
  const lines = text.split('\n');
  const blocks: XyzBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i].trim() === '') {
      i++;
      continue;
    }
    const record = blocks.length + 1;
    const countText = lines[i].trim();
    if (!/^\d+$/.test(countText)) {
      blocks.push({
        record,
        comment: '',
        error: `line ${i + 1}: expected an atom count, found "${clip(countText)}"`,
      });
      i = nextCountLine(lines, i + 1);
      continue;
    }
    const count = Number(countText);
    const comment = (lines[i + 1] ?? '').trim();
    if (count === 0) {
      blocks.push({ record, comment, error: 'atom count is 0' });
      i += 2;
      continue;
    }
    if (count > MAX_FEATURIZED_ATOMS) {
      blocks.push({
        record,
        comment,
        error: `${count} atoms: the limit is ${MAX_FEATURIZED_ATOMS} atoms per molecule`,
      });
      i = nextCountLine(lines, i + 2 + count);
      continue;
    }
    const atoms: XyzAtom[] = [];
    let error: string | undefined;
    for (let k = 0; k < count; k++) {
      const lineNo = i + 2 + k;
      const line = lines[lineNo];
      if (line === undefined || line.trim() === '') {
        error = `truncated: ${count} atoms announced, ${k} found`;
        break;
      }
      const atom = parseAtomLine(line);
      if (typeof atom === 'string') {
        error = `line ${lineNo + 1} (atom ${k + 1}): ${atom}`;
        break;
      }
      atoms.push(atom);
    }
    blocks.push(error ? { record, comment, error } : { record, comment, atoms });
    i = error ? nextCountLine(lines, i + 2) : i + 2 + count;
  }
  return blocks;
}

function nextCountLine(lines: string[], from: number): number {
  let j = from;
  while (j < lines.length && !/^\s*\d+\s*$/.test(lines[j])) j++;
  return j;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}

function parseAtomLine(line: string): XyzAtom | string {
  const parts = line.trim().split(/\s+/);
  if (parts.length < 4) return `expected "element x y z", found "${clip(line.trim())}"`;
  const symbol = parts[0];
  const z = /^\d+$/.test(symbol) ? Number(symbol) : Z_OF[symbol.toLowerCase()];
  if (!z || z > 118) return `unknown element "${clip(symbol)}"`;
  // Mathematica-style exponents ("1.2*^-6") occur in the original QM9 files.
  const xyz = parts.slice(1, 4).map((p) => Number(p.replace('*^', 'e')));
  if (xyz.some((v) => !Number.isFinite(v)))
    return `bad coordinates "${clip(parts.slice(1, 4).join(' '))}"`;
  return { z, position: [xyz[0], xyz[1], xyz[2]] };
}

/** V3000 molblock of a perceived XYZ molecule; V3000 has no 999-atom limit. */
export function xyzToMolblock(atoms: XyzAtom[], title: string): string {
  const { bonds, charges } = perceiveBonds(atoms);
  const f = (v: number) => v.toFixed(6);
  const lines = [
    title.replace(/[\r\n]/g, ' ').slice(0, 80),
    // Stryker disable next-line StringLiteral: RDKit takes the dimension from the z coordinates, not this 3D tag
    '  xyz-perceived    3D',
    // Stryker disable next-line StringLiteral: line 3 of a molfile is a free comment RDKit skips
    '',
    '  0  0  0     0  0            999 V3000',
    'M  V30 BEGIN CTAB',
    `M  V30 COUNTS ${atoms.length} ${bonds.length} 0 0 0`,
    'M  V30 BEGIN ATOM',
    ...atoms.map((a, i) => {
      const [x, y, z] = a.position;
      const chg = charges[i] ? ` CHG=${charges[i]}` : '';
      return `M  V30 ${i + 1} ${elementSymbol(a.z)} ${f(x)} ${f(y)} ${f(z)} 0${chg}`;
    }),
    'M  V30 END ATOM',
    'M  V30 BEGIN BOND',
    ...bonds.map((b, i) => `M  V30 ${i + 1} ${b.order} ${b.a + 1} ${b.b + 1}`),
    'M  V30 END BOND',
    'M  V30 END CTAB',
    'M  END',
  ];
  return lines.join('\n');
}

export function xyzRecords(text: string, options: ParseOptions = {}): MoleculeRecords {
  const source = options.source ?? 'input';
  return lazyRecords(splitXyz(text), (block) => {
    const meta = { record: block.record, name: block.comment };
    return guardRecord(source, meta, () => {
      // Stryker disable next-line StringLiteral: unreachable, splitXyz gives every block without atoms an error
      if (block.error || !block.atoms) throw new ChemError(block.error ?? 'no atoms');
      assertHeavyAtomLimit(block.atoms.filter((a) => a.z !== 1).length);
      const molblock = xyzToMolblock(block.atoms, block.comment);
      return parseMolblock(molblock, {
        ...options,
        source,
        record: block.record,
        name: block.comment,
      });
    });
  });
}

/** Every molecule of an XYZ text at once (scripts that want the whole list). */
export function parseXyz(text: string, options: ParseOptions = {}): MoleculeResult[] {
  return [...xyzRecords(text, options).results];
}
