// The readout in training configs: any of the model's readouts from a file or --set, an unknown
// one refused with the key named before anything trains.
import { describe, expect, it } from 'vitest';
import { READOUTS } from '../../src/model/gnn';
import { parseTrainArgs } from '../../training/config';

describe('architecture.readout in training configs', () => {
  it('takes each readout from --set and leaves it out by default', async () => {
    const { config: plain } = await parseTrainArgs([]);
    expect(plain.architecture).not.toHaveProperty('readout');
    for (const readout of READOUTS) {
      const { config } = await parseTrainArgs(['--set', `architecture.readout=${readout}`]);
      expect(config.architecture).toMatchObject({ kind: 'product', readout });
    }
    const { config } = await parseTrainArgs(['--architecture.readout', 'mean']);
    expect(config.architecture).toMatchObject({ readout: 'mean' });
  });

  it('refuses an unknown readout and a readout on the baseline, naming the key', async () => {
    await expect(parseTrainArgs(['--set', 'architecture.readout=max'])).rejects.toThrow(
      'config is not a valid training config:\n  architecture.readout: must be one of "sum+mean", "sum", "mean"',
    );
    await expect(
      parseTrainArgs([
        '--config',
        'training/configs/baseline.json',
        '--set',
        'architecture.readout=sum',
      ]),
    ).rejects.toThrow('architecture.readout: unknown key');
  });
});
