/** Public API of the model layer, shared by the browser worker, the server and the CLIs. */
export { loadPredictor } from './predictor';
export type { InMemoryModel, LoadOptions, Predictor } from './predictor';
export { foldHydrogens, DEFAULT_IG_STEPS } from './attribution';
export type { AtomContributions, FoldedContribution } from './attribution';
export { averagePredictions } from './ensemble';
export {
  BACKEND_ORDER,
  applyKernelFixes,
  backendsToTry,
  batchSizeFor,
  loadWithFallback,
  setupBackend,
  startBackend,
  startPlan,
  locateWasmFiles,
  upgradeBackend,
} from './runtime';
export type {
  BackendChoice,
  BackendName,
  BackendOptions,
  BackendSteps,
  LoadedPredictor,
  StartOptions,
} from './runtime';
export { MANIFEST_FILES } from './weightsIO';
export type { WeightPrecision } from './weightsIO';
export type { ModelManifest } from './manifest';
export type {
  ModelCard,
  TargetMetrics,
  TrainingPredictions,
  LoadedCard,
  ModelEvaluation,
  DistributionSummary,
  Histogram,
  QuantizationReport,
} from './modelCard';
export { QUANTILE_LEVELS } from './modelCard';
export type { Architecture } from './gnn';
export { TARGETS } from './types';
export type { GraphInput, MoleculePrediction, TargetKey } from './types';
export {
  ALIASES,
  DEFAULT_ALIAS,
  REGISTRY_FILE,
  parseRegistry,
  resolveModel,
  modelId,
} from './registry';
export type { Alias, ModelRegistry, RegistryEntry, RegistryMetric } from './registry';
export { isRegistryReference, loadRegistry, resolveRegistryReference } from './registrySource';
