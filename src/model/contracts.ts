/**
 * The model layer's light public surface: targets and prediction types, physical bounds, the
 * model card and registry formats, backend names. None of it loads tfjs, so the page's main
 * thread imports it directly; everything else goes through `src/model/index.ts`, which re-exports
 * this too.
 */
export * from './types';
export * from './bounds';
export * from './modelCard';
export * from './registry';
export * from './runtime/backends';
