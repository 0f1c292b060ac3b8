/**
 * Public API of the model layer, shared by the browser worker, the server, training and the CLIs.
 * The page's main thread imports `./contracts` instead, which holds no tfjs.
 */
export * from './contracts';
export { loadPredictor } from './predictor';
export type { InMemoryModel, LoadOptions, Predictor } from './predictor';
export { foldHydrogens, DEFAULT_IG_STEPS } from './attribution';
export type { AtomContributions, FoldedContribution } from './attribution';
export * from './ensemble';
export * from './ensembleManifest';
export * from './runtime';
export * from './weightsIO';
export * from './manifest';
export * from './gnn';
export * from './outputTransform';
export * from './batch';
export * from './packedGraphs';
export * from './inference';
export * from './graphOps';
export * from './registrySource';
