// Imported first by the prediction worker, so its first mark is when the worker's bundle starts running
// (everything before that is download + parse of the worker script).
import type { StartupStage } from './protocol';

const stages: StartupStage[] = [
  { stage: 'worker created', at: performance.timeOrigin },
  { stage: 'worker script running', at: performance.timeOrigin + performance.now() },
];

/**
 * Marks a startup stage with wall-clock time (epoch ms), so the page can place worker stages on its own
 * navigation timeline: worker and page have different performance.timeOrigin.
 */
export function markStage(stage: string): void {
  stages.push({ stage, at: performance.timeOrigin + performance.now() });
}

/** Runs a step and marks its start and end; the pair shows what ran in parallel and what waited. */
export async function timedStage<T>(stage: string, step: () => Promise<T>): Promise<T> {
  markStage(`${stage} start`);
  try {
    return await step();
  } finally {
    markStage(`${stage} end`);
  }
}

/** The marks so far, in the order they happened. */
export function startupStages(): StartupStage[] {
  return [...stages].sort((a, b) => a.at - b.at);
}
