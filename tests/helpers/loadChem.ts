// RDKit's wasm module, loaded once per test file before its first test: every chemistry test
// parses molecules through it.
import { beforeAll } from 'vitest';
import { initChem } from '../../src/chem';

export function loadChemBeforeAll(): void {
  beforeAll(async () => {
    await initChem();
  });
}
