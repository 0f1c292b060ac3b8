// The paths and names every command falls back to when a flag is not given. Training code,
// scripts and benchmarks import them from here, so moving the data or the runs store is one edit.
import { DEFAULT_ALIAS, MODELS_PATH } from '../src/model';

const QM9_DIR = '../shared/data/qm9';

/** The QM9 table (gzipped CSV) outside the repository; QM9_CSV points elsewhere. */
export const DEFAULT_DATA = process.env.QM9_CSV ?? `${QM9_DIR}/qm9.csv.gz`;

/** QM9's B3LYP geometries (gzipped XYZ), read only by the bond-perception check. */
export const DEFAULT_STRUCTURES = `${QM9_DIR}/qm9_structures.xyz.gz`;

/** The registry alias a command predicts or evaluates with when no --model is given. */
export const DEFAULT_MODEL = DEFAULT_ALIAS;

/** Exported model directories and registry.json (what the app and the server load). */
export const DEFAULT_MODELS_DIR = `public/${MODELS_PATH}`;

/** Training run directories (checkpoints, logs, results). */
export const DEFAULT_RUNS_DIR = 'training/runs';

/** Featurized QM9, keyed by the data checksum and the featurizer's source hash. */
export const DEFAULT_CACHE_DIR = `${DEFAULT_RUNS_DIR}/cache`;

/** The SQLite runs store (and the sweep queue without DATABASE_URL); RUNS_DB points elsewhere. */
export const DEFAULT_RUNS_DB = process.env.RUNS_DB ?? `${DEFAULT_RUNS_DIR}/runs.sqlite`;
