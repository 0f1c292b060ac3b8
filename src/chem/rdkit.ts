import initRDKitModule from '@rdkit/rdkit';
import type { MainModule, Mol } from '@rdkit/rdkit';

export type RDKitModule = MainModule;
export type RDKitMol = Mol;

export interface ChemInitOptions {
  /** Where the browser finds RDKit_minimal.wasm (Node resolves it next to the module). */
  locateFile?: (file: string) => string;
  /**
   * RDKit's wasm, compiled elsewhere: in Chromium a page's streaming compile reuses the code cached
   * by earlier visits, a worker's does not. Null means "compile it here after all" (locateFile's URL).
   */
  compiledWasm?: Promise<WebAssembly.Module | null>;
}

type InstantiateWasm = (
  imports: WebAssembly.Imports,
  done: (instance: WebAssembly.Instance) => void,
) => void;

/** Emscripten's instantiateWasm hook over an already compiled module (or a fresh compile). */
function instantiateCompiled(
  compiled: Promise<WebAssembly.Module | null>,
  url: string,
  failed: (error: unknown) => void,
): InstantiateWasm {
  return (imports, done) => {
    compiled
      .then((module) =>
        module
          ? WebAssembly.instantiate(module, imports)
          : // From bytes: whatever made the other compile fail (a wrong MIME type) cannot stop this one.
            fetch(url)
              .then((response) => response.arrayBuffer())
              .then((bytes) => WebAssembly.instantiate(bytes, imports))
              .then((result) => result.instance),
      )
      .then(done, failed);
  };
}

let module: RDKitModule | null = null;
let loading: Promise<RDKitModule> | null = null;

/** Loads RDKit.js once; every parser and the featurizer run on it. */
export function initChem(options: ChemInitOptions = {}): Promise<RDKitModule> {
  if (module) return Promise.resolve(module);
  loading ??= new Promise<RDKitModule>((resolve, reject) => {
    const { locateFile, compiledWasm } = options;
    const settings: {
      locateFile?: ChemInitOptions['locateFile'];
      instantiateWasm?: InstantiateWasm;
    } = locateFile ? { locateFile } : {};
    if (compiledWasm) {
      const url = locateFile ? locateFile('RDKit_minimal.wasm') : 'RDKit_minimal.wasm';
      settings.instantiateWasm = instantiateCompiled(compiledWasm, url, reject);
    }
    (initRDKitModule as unknown as (o: object) => Promise<RDKitModule>)(settings).then((m) => {
      module = m;
      resolve(m);
    }, reject);
  });
  return loading;
}

export function rdkit(): RDKitModule {
  if (!module) throw new Error('chemistry core not initialised: await initChem() first');
  return module;
}
