"""A simple peak picker and the mir_eval beat F-measure, for model selection during training only
(the reported figures come from tools/eval/mirEval.ts and the decoder)."""
import numpy as np


def pick_peaks(act, fps, threshold, min_gap=0.2):
    """Frames that are the maximum within ±min_gap/2 s... kept at least min_gap apart, above threshold; in seconds."""
    w = max(1, int(round(min_gap * fps / 2)))
    n = len(act)
    out = []
    last = -1e9
    for i in range(n):
        v = act[i]
        if v < threshold:
            continue
        lo, hi = max(0, i - w), min(n, i + w + 1)
        if v >= act[lo:hi].max() and (i - last) / fps >= min_gap:
            out.append(i / fps)
            last = i
    return np.array(out)


def f_measure(ref, est, window=0.07, skip=5.0):
    r = np.sort(np.asarray(ref)[np.asarray(ref) >= skip])
    e = np.sort(np.asarray(est)[np.asarray(est) >= skip]) if len(est) else np.array([])
    if len(r) == 0 or len(e) == 0:
        return 0.0
    i = j = hits = 0
    while i < len(r) and j < len(e):
        if abs(r[i] - e[j]) <= window:
            hits += 1; i += 1; j += 1
        elif e[j] < r[i]:
            j += 1
        else:
            i += 1
    p, rc = hits / len(e), hits / len(r)
    return 0.0 if hits == 0 else 2 * p * rc / (p + rc)
