import { ChemError, MAX_FEATURIZED_ATOMS, MAX_HEAVY_ATOMS } from '../errors';
import { assertHeavyAtomLimit, guardRecord, parseMolblock, type ParseOptions } from '../molecule';
import { lazyRecords, type MoleculeRecords } from './records';

export interface SdfRecord {
  record: number;
  title: string;
  molblock: string;
  fields: Record<string, string>;
}

/** Splits an SD file on "$$$$" lines; the data items after "M  END" become fields. */
export function splitSdf(text: string): SdfRecord[] {
  const chunks = text.split(/^\$\$\$\$[^\n]*$/m);
  if (chunks.length > 1 && chunks[chunks.length - 1].trim() === '') chunks.pop();
  return chunks.map((chunk, i) => {
    // Later chunks start with the newline that ended the previous "$$$$" line.
    const body = i === 0 ? chunk : chunk.replace(/^\n/, '');
    const end = body.search(/^M {2}END[^\n]*$/m);
    const molblock =
      end < 0
        ? body
        : body.slice(0, body.indexOf('\n', end) < 0 ? undefined : body.indexOf('\n', end));
    const rest = end < 0 ? '' : body.slice(molblock.length);
    const firstLineEnd = body.indexOf('\n');
    const title = (firstLineEnd < 0 ? body : body.slice(0, firstLineEnd)).trim();
    return { record: i + 1, title, molblock, fields: dataFields(rest) };
  });
}

function dataFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const header = /^>.*<([^>]+)>/.exec(lines[i]);
    if (!header) continue;
    const value: string[] = [];
    while (i + 1 < lines.length && lines[i + 1].trim() !== '' && !lines[i + 1].startsWith('>')) {
      value.push(lines[++i]);
    }
    fields[header[1]] = value.join('\n');
  }
  return fields;
}

/** Atom count from the counts line (V2000) or the COUNTS line (V3000), to refuse huge records early. */
function declaredAtoms(molblock: string): number {
  const v3 = /^M {2}V30 COUNTS\s+(\d+)/m.exec(molblock);
  if (v3) return Number(v3[1]);
  const counts = molblock.split('\n')[3];
  return counts ? Number(counts.slice(0, 3)) || 0 : 0;
}

/**
 * Non-hydrogen atoms of the atom block, V2000 (symbol in columns 32-34) or V3000. V3000 atom lines
 * are read only between BEGIN ATOM and END ATOM: a bond line ("M  V30 1 1 1 2") looks alike.
 */
function heavyAtomLines(molblock: string): number {
  let count = 0;
  let v3Atoms = false;
  for (const line of molblock.split('\n')) {
    if (line.startsWith('M  V30 BEGIN ATOM')) v3Atoms = true;
    else if (line.startsWith('M  V30 END ATOM')) v3Atoms = false;
    const symbol = v3Atoms
      ? /^M {2}V30 \d+ (\S+)/.exec(line)?.[1]
      : /^\s*-?\d+\.\d+\s+-?\d+\.\d+\s+-?\d+\.\d+\s+(\S+)/.exec(line)?.[1];
    if (symbol && symbol !== 'H' && symbol !== 'D' && symbol !== 'T') count++;
  }
  return count;
}

export function sdfRecords(text: string, options: ParseOptions = {}): MoleculeRecords {
  const source = options.source ?? 'input';
  const records = splitSdf(text);
  // Stryker disable next-line BlockStatement: unreachable, splitSdf always gives a record
  if (records.length === 0) {
    // Stryker disable all: unreachable, splitSdf always gives a record
    return lazyRecords([null], () =>
      guardRecord(source, { record: 1, name: '' }, () => {
        throw new ChemError('no records');
      }),
    );
    // Stryker restore all
  }
  return lazyRecords(records, (r) => {
    const meta = { record: r.record, name: r.title, fields: r.fields };
    return guardRecord(source, meta, () => {
      if (r.molblock.trim() === '') throw new ChemError('empty record');
      const atoms = declaredAtoms(r.molblock);
      if (atoms > MAX_FEATURIZED_ATOMS)
        throw new ChemError(
          `${atoms} atoms: the limit is ${MAX_FEATURIZED_ATOMS} atoms per molecule`,
        );
      // Fewer atoms in all than the heavy-atom limit: no need to count the heavy ones.
      if (atoms > MAX_HEAVY_ATOMS) assertHeavyAtomLimit(heavyAtomLines(r.molblock));
      return parseMolblock(r.molblock, { ...options, source, ...meta });
    });
  });
}
