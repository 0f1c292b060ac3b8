// The molecules of the idle rehearsal (src/ui/worker/rehearsal.ts): all readable by RDKit and
// varied enough that the model's per-environment code does real work.
import { beforeAll, describe, expect, it } from 'vitest';
import { initChem, openText } from '../../src/chem';
import { REHEARSAL_MOLECULES, rehearsalText } from '../../src/ui/worker/rehearsal';

beforeAll(() => initChem());

describe('rehearsalText', () => {
  it('writes REHEARSAL_MOLECULES lines that RDKit reads, of many sizes and kinds', () => {
    const text = rehearsalText();
    expect(text.split('\n')).toHaveLength(REHEARSAL_MOLECULES);
    const results = [...openText(text, 'rehearsal').results];
    expect(results.filter((r) => !r.ok)).toEqual([]);
    const molecules = results.flatMap((r) => (r.ok ? [r.molecule] : []));
    expect(new Set(molecules.map((m) => m.smiles)).size).toBeGreaterThan(100);
    const sizes = new Set(molecules.map((m) => m.heavyAtoms));
    expect(Math.min(...sizes)).toBeLessThanOrEqual(3);
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(12);
  });
});
