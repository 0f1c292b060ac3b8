export type SplitName = 'train' | 'validation' | 'test';

export const SPLIT_RULE =
  'uncharacterized == 0; gdb_idx % 10 == 0 test, == 1 validation, otherwise train';

/** The project's fixed split: language-independent, by QM9 index only. */
export function splitOf(gdbIdx: number): SplitName {
  const r = gdbIdx % 10;
  return r === 0 ? 'test' : r === 1 ? 'validation' : 'train';
}
