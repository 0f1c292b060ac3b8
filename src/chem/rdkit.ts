import initRDKitModule from '@rdkit/rdkit';
import type { MainModule, Mol } from '@rdkit/rdkit';

export type RDKitModule = MainModule;
export type RDKitMol = Mol;

export interface ChemInitOptions {
  /** Where the browser finds RDKit_minimal.wasm (Node resolves it next to the module). */
  locateFile?: (file: string) => string;
}

let module: RDKitModule | null = null;
let loading: Promise<RDKitModule> | null = null;

/** Loads RDKit.js once; every parser and the featurizer run on it. */
export function initChem(options: ChemInitOptions = {}): Promise<RDKitModule> {
  if (module) return Promise.resolve(module);
  loading ??= (initRDKitModule as unknown as (o: object) => Promise<RDKitModule>)(
    options.locateFile ? { locateFile: options.locateFile } : {},
  ).then((m) => {
    module = m;
    return m;
  });
  return loading;
}

export function rdkit(): RDKitModule {
  if (!module) throw new Error('chemistry core not initialised: await initChem() first');
  return module;
}
