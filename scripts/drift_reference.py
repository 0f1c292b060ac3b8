#!/usr/bin/python3
"""Reference values for the drift statistics in src/stats, computed with SciPy.

Run with Debian's Python (it has python3-scipy):
    /usr/bin/python3 scripts/drift_reference.py > tests/fixtures/scipyDriftReference.json

Every input is generated here from fixed seeds (no QM9 data) and written into the
fixture next to the expected numbers, so the TypeScript tests read both from one file.
The column-level decision rules mirror Evidently's documented defaults:
  reference <= 1000 rows: KS (numeric, > 5 distinct values), chi-squared (<= 5 distinct,
  more than 2), Z-test for proportions (<= 2 distinct); drift when p < 0.05.
  reference > 1000 rows: Wasserstein distance normalized by the reference std (numeric,
  > 5 distinct), Jensen-Shannon distance over the value frequencies otherwise; drift
  when the distance >= 0.1. The dataset drifts when at least half its columns drift.
"""

import json
import math
import sys

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance

P_THRESHOLD = 0.05
DISTANCE_THRESHOLD = 0.1
SMALL_REFERENCE_MAX_ROWS = 1000


def rounded(values, digits=4):
    return [round(float(v), digits) for v in values]


def as_counts(values):
    unique, counts = np.unique(np.asarray(values), return_counts=True)
    return [[float(u), int(c)] for u, c in zip(unique, counts)]


def expand(spec):
    """Inputs are stored either as plain values or as [value, count] pairs."""
    if 'values' in spec:
        return np.asarray(spec['values'], dtype=float)
    return np.repeat([v for v, _ in spec['counts']], [c for _, c in spec['counts']]).astype(float)


def encode(values, use_counts):
    return {'counts': as_counts(values)} if use_counts else {'values': rounded(values)}


def frequencies(reference, current):
    keys = sorted(set(reference.tolist()) | set(current.tolist()))
    ref = np.array([np.sum(reference == k) for k in keys], dtype=float)
    cur = np.array([np.sum(current == k) for k in keys], dtype=float)
    return keys, ref, cur


def chi_square(reference, current):
    _, ref, cur = frequencies(reference, current)
    expected = ref * (len(current) / len(reference))
    with np.errstate(divide='ignore', invalid='ignore'):
        result = stats.chisquare(cur, expected)
    return float(result.statistic), float(result.pvalue)


def z_test(reference, current):
    if len(np.unique(reference)) == 1 and len(np.unique(current)) == 1 and reference[0] == current[0]:
        return 0.0, 1.0
    key = sorted(set(reference.tolist()) | set(current.tolist()))[0]
    ref = (reference != key).astype(float)
    cur = (current != key).astype(float)
    n1, n2 = len(ref), len(cur)
    p1, p2 = ref.sum() / n1, cur.sum() / n2
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return float(z), float(2 * (1 - stats.norm.cdf(abs(z))))


def wasserstein_normalized(reference, current):
    norm = max(float(np.std(reference)), 0.001)
    return float(stats.wasserstein_distance(reference, current) / norm)


def jensen_shannon(reference, current):
    _, ref, cur = frequencies(reference, current)
    return float(distance.jensenshannon(ref / len(reference), cur / len(current)))


def evidently_column(reference, current):
    distinct = len(set(reference.tolist()) | set(current.tolist()))
    if len(reference) <= SMALL_REFERENCE_MAX_ROWS:
        if distinct > 5:
            result = stats.ks_2samp(reference, current)
            method, stat, p = 'ks', float(result.statistic), float(result.pvalue)
        elif distinct > 2:
            method = 'chisquare'
            stat, p = chi_square(reference, current)
        else:
            method = 'ztest'
            stat, p = z_test(reference, current)
        return {'method': method, 'statistic': stat, 'pValue': p, 'drift': p < P_THRESHOLD}
    if distinct > 5:
        method, value = 'wasserstein', wasserstein_normalized(reference, current)
    else:
        method, value = 'jensenshannon', jensen_shannon(reference, current)
    return {'method': method, 'statistic': value, 'drift': value >= DISTANCE_THRESHOLD}


def ks_cases(rng):
    cases = []
    specs = [
        ('shifted normal, unequal sizes', rng.normal(0, 1, 200), rng.normal(0.3, 1, 100), False, 'auto'),
        ('same distribution, equal sizes', rng.normal(5, 2, 80), rng.normal(5, 2, 80), False, 'auto'),
        ('ties: poisson counts', rng.poisson(5, 300), rng.poisson(6, 50), True, 'auto'),
        ('strong drift', rng.normal(0, 1, 150), rng.normal(2, 1, 40), False, 'auto'),
        ('coprime sizes', rng.exponential(1, 97), rng.exponential(1.4, 61), False, 'auto'),
        ('one tiny sample', rng.normal(0, 1, 1000), rng.normal(0.5, 1, 7), False, 'auto'),
        ('large current, exact', rng.binomial(40, 0.5, 1000), rng.binomial(40, 0.52, 12000), True, 'exact'),
    ]
    # Fixed inputs (no draws from rng, so the other cases keep their values) for the branches of
    # the exact computation that random samples rarely reach.
    specs += [
        ('identical samples: D = 0, p = 1', np.arange(20.0), np.arange(20.0), False, 'exact'),
        ('band narrower than one lattice step: p = 1', np.array([0.0, 1, 2, 2, 3]),
         np.array([1.0, 2]), False, 'exact'),
        ('equal sizes, total separation', np.arange(30.0), np.arange(30.0) + 100, False, 'exact'),
    ]
    for name, ref, cur, use_counts, method in specs:
        ref_spec, cur_spec = encode(ref, use_counts), encode(cur, use_counts)
        result = stats.ks_2samp(expand(ref_spec), expand(cur_spec), method=method)
        cases.append({
            'name': name, 'method': method, 'reference': ref_spec, 'current': cur_spec,
            'statistic': float(result.statistic), 'pValue': float(result.pvalue),
        })
    return cases


def grid(spec):
    """n evenly spaced points in (0, 1), shifted: the same doubles in TypeScript."""
    return (np.arange(spec['n']) + 0.5) / spec['n'] + spec['shift']


def ks_asymptotic_cases():
    """Sizes whose lattice (lcm(n1, n2) above 2**31 - 1) is too large for the exact recursion.

    The server then uses the limiting Kolmogorov distribution at Stephens' effective size
    (en + 0.12 + 0.11 / en) * D, en = sqrt(n1 n2 / (n1 + n2)), as SciPy before 1.3 did; 'pValue'
    is that, from scipy.stats.kstwobign. 'scipyAsympPValue' is what current SciPy's
    ks_2samp(method='asymp') answers (kstwo at round(n1 n2 / (n1 + n2))), for comparison.
    """
    cases = []
    for name, ref, cur in [
        ('coprime 50000 and 50001, shifted by 0.01', {'n': 50000, 'shift': 0.0},
         {'n': 50001, 'shift': 0.01}),
        ('coprime 46349 and 46351, shifted by 0.004', {'n': 46349, 'shift': 0.0},
         {'n': 46351, 'shift': 0.004}),
    ]:
        a, b = grid(ref), grid(cur)
        n1, n2 = len(a), len(b)
        assert math.lcm(n1, n2) > 2**31 - 1
        result = stats.ks_2samp(a, b, method='asymp')
        d = float(result.statistic)
        en = math.sqrt(n1 * n2 / (n1 + n2))
        cases.append({
            'name': name, 'reference': {'grid': ref}, 'current': {'grid': cur}, 'statistic': d,
            'pValue': float(stats.kstwobign.sf((en + 0.12 + 0.11 / en) * d)),
            'scipyAsympPValue': float(result.pvalue),
        })
    return cases


def chi_square_cases(rng):
    specs = [
        ('four categories shifted', rng.choice([0, 1, 2, 3], 500, p=[0.4, 0.3, 0.2, 0.1]),
         rng.choice([0, 1, 2, 3], 100, p=[0.25, 0.25, 0.25, 0.25])),
        ('same three categories', rng.choice([1, 6, 8], 400, p=[0.5, 0.4, 0.1]),
         rng.choice([1, 6, 8], 90, p=[0.5, 0.4, 0.1])),
        ('category unseen in reference', rng.choice([0, 1, 2], 300), np.array([0, 1, 2, 3] * 10)),
    ]
    cases = []
    for name, ref, cur in specs:
        ref_spec, cur_spec = encode(ref, True), encode(cur, True)
        stat, p = chi_square(expand(ref_spec), expand(cur_spec))
        cases.append({'name': name, 'reference': ref_spec, 'current': cur_spec,
                      'statistic': stat if math.isfinite(stat) else None, 'pValue': p})
    return cases


def z_test_cases(rng):
    specs = [
        ('binary shifted', rng.binomial(1, 0.3, 600), rng.binomial(1, 0.45, 120)),
        ('binary same', rng.binomial(1, 0.5, 800), rng.binomial(1, 0.5, 200)),
        ('one shared value', np.zeros(50), np.zeros(20)),
        ('two values, one per side', np.zeros(40), np.ones(15)),
    ]
    cases = []
    for name, ref, cur in specs:
        ref_spec, cur_spec = encode(ref, True), encode(cur, True)
        stat, p = z_test(expand(ref_spec), expand(cur_spec))
        cases.append({'name': name, 'reference': ref_spec, 'current': cur_spec, 'statistic': stat, 'pValue': p})
    return cases


def wasserstein_cases(rng):
    specs = [
        ('shifted normal', rng.normal(0, 1, 1500), rng.normal(0.2, 1, 200), False),
        ('scaled', rng.normal(3, 0.5, 1200), rng.normal(3, 0.8, 300), False),
        ('constant reference uses the 0.001 floor', np.full(1100, 2.0), rng.normal(2, 0.01, 50), False),
        ('integer counts', rng.poisson(9, 5000), rng.poisson(10, 400), True),
    ]
    cases = []
    for name, ref, cur, use_counts in specs:
        ref_spec, cur_spec = encode(ref, use_counts), encode(cur, use_counts)
        r, c = expand(ref_spec), expand(cur_spec)
        cases.append({'name': name, 'reference': ref_spec, 'current': cur_spec,
                      'distance': float(stats.wasserstein_distance(r, c)),
                      'normalized': wasserstein_normalized(r, c)})
    return cases


def jensen_shannon_cases(rng):
    specs = [
        ('four categories', rng.choice([0, 1, 2, 3], 2000, p=[0.4, 0.3, 0.2, 0.1]),
         rng.choice([0, 1, 2, 3], 150, p=[0.3, 0.3, 0.2, 0.2])),
        ('value missing from current', rng.choice([1, 6, 7, 8, 9], 3000), rng.choice([1, 6], 80)),
        ('identical', np.array([0, 1] * 600), np.array([0, 1] * 30)),
    ]
    cases = []
    for name, ref, cur in specs:
        ref_spec, cur_spec = encode(ref, True), encode(cur, True)
        cases.append({'name': name, 'reference': ref_spec, 'current': cur_spec,
                      'distance': jensen_shannon(expand(ref_spec), expand(cur_spec))})
    return cases


def dataset_cases(rng):
    """Whole tables: the method chosen per column, its result and the dataset verdict."""
    def table(rows, shift):
        return {
            'wide_numeric': rounded(rng.normal(shift, 1, rows)),
            'poisson': rng.poisson(4 + 4 * shift, rows).astype(float).tolist(),
            'three_values': rng.choice([1.0, 6.0, 8.0], rows).tolist(),
            'binary': rng.binomial(1, 0.3 + 0.3 * shift, rows).astype(float).tolist(),
        }

    cases = []
    for name, ref_rows, cur_rows, shift in [
        ('small reference, drifted', 400, 120, 0.6),
        ('small reference, stable', 400, 120, 0.0),
        ('large reference, drifted', 1500, 150, 0.6),
        ('large reference, stable', 1500, 150, 0.0),
    ]:
        reference, current = table(ref_rows, 0.0), table(cur_rows, shift)
        columns = {col: evidently_column(np.asarray(reference[col]), np.asarray(current[col])) for col in reference}
        drifted = sum(1 for c in columns.values() if c['drift'])
        cases.append({
            'name': name, 'reference': reference, 'current': current, 'columns': columns,
            'driftedColumns': drifted, 'datasetDrift': drifted >= 0.5 * len(columns),
        })
    return cases


def special_function_cases():
    chi2 = [{'x': x, 'df': df, 'sf': float(stats.chi2.sf(x, df))}
            for x, df in [(0.5, 1), (3.84, 1), (7.8, 3), (20.0, 4), (150.0, 10), (1e-3, 2), (60.0, 2)]]
    normal = [{'z': z, 'twoSided': float(2 * (1 - stats.norm.cdf(abs(z))))} for z in [0.0, 0.5, 1.96, 3.0, 5.0]]
    return {'chi2': chi2, 'normal': normal}


def main():
    rng = np.random.RandomState(20261129)
    fixture = {
        'generatedBy': 'scripts/drift_reference.py',
        'scipy': scipy.__version__,
        'numpy': np.__version__,
        'ks': ks_cases(rng),
        'ksAsymptotic': ks_asymptotic_cases(),
        'chiSquare': chi_square_cases(rng),
        'zTest': z_test_cases(rng),
        'wasserstein': wasserstein_cases(rng),
        'jensenShannon': jensen_shannon_cases(rng),
        'datasets': dataset_cases(rng),
        'special': special_function_cases(),
    }
    json.dump(fixture, sys.stdout, separators=(',', ':'))
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
