// Small networks for the model's unit tests: a test names the fields its expected values depend
// on and takes the rest from here (hidden 4, one layer, the gap alone, no dropout).
import type { BaselineArchitecture, ProductArchitecture } from '../../src/model/gnn';

type Fields<A> = Partial<Omit<A, 'kind'>>;

export function productArch(fields: Fields<ProductArchitecture> = {}): ProductArchitecture {
  return { kind: 'product', hidden: 4, layers: 1, targets: ['gap'], ...fields };
}

export function baselineArch(fields: Fields<BaselineArchitecture> = {}): BaselineArchitecture {
  return { kind: 'baseline', hidden: 4, layers: 1, dropout: 0, targets: ['gap'], ...fields };
}
