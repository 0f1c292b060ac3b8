// Starting a run from an exported model: the architecture check compares meaning, not JSON text.
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend, TARGETS as ALL_TARGETS } from '../../src/model';
import { architectureKey, readExportedStart } from '../../training/initFrom';
import type { TrainConfig } from '../../training/config';

const TARGETS = ALL_TARGETS.map((t) => t.key);
const SHIPPED = 'public/models/qm9-gnn-v1.1';

describe('initFrom', () => {
  beforeAll(async () => {
    await setupBackend();
  });

  it('treats a product readout left out as the default, and ignores key order', () => {
    const bare = architectureKey({ kind: 'product', hidden: 128, layers: 4, targets: ['gap'] });
    expect(
      architectureKey({
        targets: ['gap'],
        readout: 'sum+mean',
        layers: 4,
        hidden: 128,
        kind: 'product',
      }),
    ).toBe(bare);
    expect(
      architectureKey({
        kind: 'product',
        hidden: 128,
        layers: 4,
        targets: ['gap'],
        readout: 'sum',
      }),
    ).not.toBe(bare);
    expect(architectureKey({ kind: 'product', hidden: 64, layers: 4, targets: ['gap'] })).not.toBe(
      bare,
    );
  });

  it('starts from a shipped model whose manifest predates the readout setting', async () => {
    const config = {
      architecture: {
        kind: 'product',
        hidden: 128,
        layers: 4,
        targets: TARGETS,
        readout: 'sum+mean',
      },
    } as TrainConfig;
    const start = await readExportedStart(SHIPPED, config);
    expect(start.transform.targets).toEqual(TARGETS);
    expect(Object.keys(start.weights).length).toBeGreaterThan(0);
    for (const t of Object.values(start.weights)) t.dispose();
  });

  it('refuses a different architecture, naming the directory', async () => {
    const config = {
      architecture: { kind: 'product', hidden: 128, layers: 4, targets: TARGETS, readout: 'mean' },
    } as TrainConfig;
    await expect(readExportedStart(SHIPPED, config)).rejects.toThrow(
      `initFrom ${SHIPPED}: its architecture`,
    );
  });
});
