"""The same drift verdicts as `npm run monitor`, in NumPy/SciPy, for `make bench` to time.

Usage: python3 bench/numpy_monitor.py REFERENCE.csv CURRENT.csv [column,column,...]
Reads with numpy.loadtxt (C parser), then Evidently's default tests per column.
"""
import sys
import numpy as np
from scipy import stats
from scipy.spatial import distance

EXCLUDED = {"transaction_id", "event_time", "is_fraud"}


def read(path, wanted):
    with open(path) as handle:
        header = handle.readline().strip().split(",")
    columns = {}
    for name in wanted:
        index = header.index(name)
        try:
            columns[name] = np.loadtxt(path, delimiter=",", skiprows=1, usecols=index, dtype=float)
        except ValueError:
            columns[name] = np.loadtxt(path, delimiter=",", skiprows=1, usecols=index, dtype=str)
    return columns


def verdict(ref, cur):
    numerical = ref.dtype.kind == "f" and cur.dtype.kind == "f"
    if numerical:
        ref = ref[np.isfinite(ref)]; cur = cur[np.isfinite(cur)]
    values, inverse = np.unique(np.concatenate([ref, cur]), return_inverse=True)
    n_unique = len(values)
    if len(ref) <= 1000:
        if numerical and n_unique > 5:
            p = stats.ks_2samp(ref, cur)[1]; return "ks", p, p <= 0.05
        r = np.bincount(inverse[:len(ref)], minlength=n_unique); c = np.bincount(inverse[len(ref):], minlength=n_unique)
        p = stats.chisquare(c, r * len(cur) / len(ref))[1]; return "chisquare", p, p < 0.05
    if numerical and n_unique > 5:
        score = stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001); return "wasserstein", score, score >= 0.1
    if numerical and len(np.unique(ref)) > 20:
        bins = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
        rp = np.histogram(ref, bins)[0] / len(ref); cp = np.histogram(cur, bins)[0] / len(cur)
    else:
        rp = np.bincount(inverse[:len(ref)], minlength=n_unique) / len(ref); cp = np.bincount(inverse[len(ref):], minlength=n_unique) / len(cur)
    score = distance.jensenshannon(rp, cp); return "jensenshannon", score, score >= 0.1


reference_path, current_path = sys.argv[1], sys.argv[2]
with open(reference_path) as handle:
    header = handle.readline().strip().split(",")
wanted = sys.argv[3].split(",") if len(sys.argv) > 3 else [name for name in header if name not in EXCLUDED]
reference = read(reference_path, wanted)
current = read(current_path, wanted)
drifted = 0
for name in wanted:
    test, score, is_drift = verdict(reference[name], current[name])
    drifted += bool(is_drift)
    print(f"{name}: {test} {score:.6g} {'drift' if is_drift else 'ok'}")
print(f"share_of_drifted_columns {drifted / len(wanted):.4f}")
