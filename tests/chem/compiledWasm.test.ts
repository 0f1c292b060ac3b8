// initChem over a module compiled by someone else (the page compiles RDKit and hands it to the
// chemistry worker); its own file, so RDKit starts fresh here rather than reusing another test's.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { initChem, parseSmiles } from '../../src/chem/index';

describe('starting RDKit from a compiled module', () => {
  it('instantiates the given module and then parses and featurizes as usual', async () => {
    const entry = createRequire(import.meta.url).resolve('@rdkit/rdkit');
    const bytes = await readFile(path.join(path.dirname(entry), 'RDKit_minimal.wasm'));
    const module = await WebAssembly.compile(bytes);
    const instantiate = vi.spyOn(WebAssembly, 'instantiate');
    await initChem({ compiledWasm: Promise.resolve(module) });
    // RDKit was instantiated from the handed-over module, not compiled again from its file.
    expect(instantiate.mock.calls.map((call) => call[0])).toEqual([module]);
    instantiate.mockRestore();
    const benzene = parseSmiles('c1ccccc1');
    expect(benzene.ok).toBe(true);
    if (benzene.ok) {
      expect(benzene.molecule.x).toHaveLength(12);
      // aromatic flag (index 6) on the six carbons
      expect(benzene.molecule.x.filter((row) => row[6] === 1)).toHaveLength(6);
    }
  });
});
