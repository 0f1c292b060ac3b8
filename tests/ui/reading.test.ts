import { describe, expect, it } from 'vitest';
import { ordinal } from '../../src/ui/format';
import { jobOutcome } from '../../src/ui/jobOutcome';
import { PROPERTIES } from '../../src/ui/properties';
import { domainVerdict, extrapolationReasons, readingOf, statusLabel } from '../../src/ui/reading';
import { resultRow } from '../helpers/resultRows';

describe('how a value reads', () => {
  it('inside the domain: the model interval, or value ± 1.645 std without one', () => {
    const withInterval = resultRow(1, 5, {
      prediction: {
        values: { gap: 5 },
        std: { gap: 0.1 },
        interval90: { gap: [4.8, 5.3] },
        warnings: [],
      },
    });
    expect(readingOf(withInterval, 'gap')).toEqual({
      value: 5,
      interval: [4.8, 5.3],
      extrapolated: false,
    });
    const [lo, hi] = readingOf(resultRow(2, 5), 'gap').interval!;
    expect(lo).toBeCloseTo(5 - 0.16449, 4);
    expect(hi).toBeCloseTo(5 + 0.16449, 4);
  });

  it('a capped uncertainty or a domain warning is an extrapolation without interval', () => {
    const capped = resultRow(1, 5, {
      prediction: {
        values: { gap: 5 },
        std: { gap: 34.8 },
        uncertaintyCapped: ['gap'],
        warnings: [],
      },
    });
    expect(readingOf(capped, 'gap')).toEqual({ value: 5, extrapolated: true });
    expect(domainVerdict(capped)).toBe('extrapolation');
    const charged = resultRow(2, 5, {
      status: 'warning',
      warnings: [{ code: 'charged', message: 'net charge +1' }],
    });
    expect(readingOf(charged, 'gap')).toEqual({ value: 5, extrapolated: true });
    expect(statusLabel(charged)).toBe('extrapolation');
  });

  it('a value whose whole interval lay below zero reads as an extrapolation, that value only', () => {
    const ethane = resultRow(1, 12, {
      prediction: {
        values: { gap: 12, r2: 0 },
        std: { gap: 0.1, r2: 128 },
        interval90: { gap: [11.8, 12.2], r2: [0, 210] },
        belowBound: ['r2'],
        warnings: [],
      },
    });
    expect(readingOf(ethane, 'r2')).toEqual({ value: 0, extrapolated: true });
    expect(readingOf(ethane, 'gap').extrapolated).toBe(false);
    expect(domainVerdict(ethane)).toBe('inside');
    expect(extrapolationReasons(ethane).join(' ')).toMatch(/wholly below zero/);
  });

  it('names refused and unreadable records apart', () => {
    expect(statusLabel(resultRow(1, undefined, { smiles: 'BrCBr' }))).toBe('outside the model');
    expect(statusLabel(resultRow(2, undefined))).toBe('unreadable');
  });
});

describe('words on the page', () => {
  it('ordinals', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 33, 100].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '33rd',
      '100th',
    ]);
  });

  it('column headings carry the name chemists read and the unit', () => {
    const headings = PROPERTIES.map((p) => p.heading);
    expect(headings).toContain('Dipole moment μ (D)');
    expect(headings).toContain('HOMO–LUMO gap (eV)');
    expect(headings).toContain('Heat capacity Cv at 298 K (cal/(mol·K))');
  });

  it('a job of which nothing could be predicted has failed', () => {
    const done = {
      type: 'job-done' as const,
      jobId: 1,
      cancelled: false,
      inferenceMs: null,
      threads: 0,
      notice: null,
    };
    expect(jobOutcome({ ...done, molecules: 3, errors: 3 }).phase).toBe('failed');
    expect(jobOutcome({ ...done, molecules: 3, errors: 2 }).phase).toBe('done');
    expect(jobOutcome({ ...done, cancelled: true, molecules: 0, errors: 0 }).phase).toBe(
      'cancelled',
    );
  });
});
