import type { JobDone } from './worker/protocol';

export interface JobState {
  id: number;
  label: string;
  phase: 'reading' | 'predicting' | 'done' | 'cancelled' | 'failed';
  done: number;
  total: number;
  perSecond: number;
  startedAt: number;
  notice: string | null;
}

/**
 * How a finished job ends for the person who started it: a file of which no record could be
 * predicted has failed, whatever the worker managed to do with it.
 */
export function jobOutcome(message: JobDone): Pick<JobState, 'phase' | 'notice'> {
  if (message.cancelled) return { phase: 'cancelled', notice: message.notice };
  if (message.molecules > 0 && message.errors === message.molecules) {
    const records = message.molecules === 1 ? 'the record' : `all ${message.molecules} records`;
    return {
      phase: 'failed',
      notice: `nothing to predict: ${records} unreadable or outside the model (see the table)`,
    };
  }
  return { phase: 'done', notice: message.notice };
}
