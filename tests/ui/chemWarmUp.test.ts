// The chemistry worker's idle warm-up: it featurizes what it was asked for, in slices that let
// messages in, and stops at the first slice boundary after a request arrives.
import { describe, expect, it } from 'vitest';
import { warmUpChemistry, WARM_UP_MOLECULES } from '../../src/ui/worker/chemWarmUp';
import { loadChemBeforeAll } from '../helpers/loadChem';

loadChemBeforeAll();

describe('chemistry warm-up', () => {
  it('featurizes the molecules it was asked for, yielding before each slice', async () => {
    let yields = 0;
    const done = await warmUpChemistry(
      () => false,
      async () => {
        yields++;
      },
      40,
    );
    expect(done).toBe(40);
    expect(yields).toBeGreaterThanOrEqual(1);
  });

  it('stops when a request comes in, having done no more than one slice', async () => {
    let yields = 0;
    const done = await warmUpChemistry(
      () => yields > 1,
      async () => {
        yields++;
      },
    );
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(WARM_UP_MOLECULES);
    expect(yields).toBe(2);
  });

  it('does nothing when a request is already waiting', async () => {
    expect(
      await warmUpChemistry(
        () => true,
        async () => undefined,
      ),
    ).toBe(0);
  });
});
