// Data summaries shared by the page, the server and training: the seeded generator, histograms,
// two-sample statistics, Evidently's drift rules and the drift reference stored in a model card.
// Pure TypeScript over plain arrays: nothing here touches the DOM, Node or a model.
export { Rng } from './random';
export {
  binIndex,
  comparisonHistogram,
  countClamped,
  evenEdges,
  type ComparisonHistogram,
  type Histogram,
} from './histogram';
export { chiSquaredSurvival, logGamma, normalTwoSided, upperRegularizedGamma } from './special';
export {
  alignedFrequencies,
  chiSquareTest,
  countValues,
  jensenShannonDistance,
  ksTwoSample,
  normalizedWasserstein,
  populationStd,
  wassersteinDistance,
  zTestProportions,
  type TestResult,
} from './twoSample';
export {
  DRIFT_RULES,
  columnDrift,
  tableDrift,
  type ColumnDrift,
  type DriftMethod,
  type TableDrift,
} from './columnDrift';
export {
  ATOM_COLUMNS,
  MOLECULE_COLUMNS,
  DriftTableBuilder,
  atomTable,
  columnLabel,
  moleculeTable,
  type ColumnTable,
  type DriftRow,
} from './driftColumns';
export {
  REFERENCE_FORMAT,
  computeDriftReference,
  expandColumn,
  expandTable,
  parseDriftReference,
  type DriftReference,
  type ReferenceColumn,
  type ReferenceOptions,
  type ReferenceTable,
} from './driftReference';
