/**
 * Offset between two onset envelopes at the same rate: the lag L (seconds) that maximises the
 * normalised cross-correlation of reference[t] and probe[t + L] (see pearsonAtLag),
 * searched within ±maxLagSec and refined to a fraction of a frame by a parabola through the peak
 * and its neighbours. Positive L: the probe is late. `confidence` is the correlation at the peak
 * (clamped to 0..1). Pure.
 */
export function envelopeOffset(
  referenceEnvelope: ArrayLike<number>,
  probeEnvelope: ArrayLike<number>,
  fps: number,
  maxLagSec = 3,
): { seconds: number; confidence: number } {
  const maxLag = Math.max(1, Math.round(maxLagSec * fps))
  // Onset peaks are one frame wide: smoothed, a delay that is not a whole frame still overlaps.
  const reference = gaussianSmooth(referenceEnvelope, 1.5)
  const probe = gaussianSmooth(probeEnvelope, 1.5)
  const corr = new Float64Array(2 * maxLag + 1)
  for (let k = 0; k < corr.length; k++) corr[k] = pearsonAtLag(reference, probe, k - maxLag)
  let best = 0
  for (let k = 1; k < corr.length; k++) if (corr[k] > corr[best]) best = k
  let frac = 0
  if (best > 0 && best < corr.length - 1) {
    const [a, b, c] = [corr[best - 1], corr[best], corr[best + 1]]
    const den = a - 2 * b + c
    if (den < 0) frac = Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den))
  }
  return { seconds: (best - maxLag + frac) / fps, confidence: Math.max(0, Math.min(1, corr[best])) }
}

/**
 * Correlation of ref[t] with probe[t + lag], each centred and scaled by its whole energy (not the
 * overlap's): a lag that leaves little overlap cannot score high by chance, which matters for
 * music, whose onsets repeat every beat and bar.
 */
function pearsonAtLag(ref: ArrayLike<number>, probe: ArrayLike<number>, lag: number): number {
  const t0 = Math.max(0, -lag)
  const t1 = Math.min(ref.length, probe.length - lag)
  if (t1 - t0 < 8) return 0
  const ma = meanOf(ref)
  const mb = meanOf(probe)
  let num = 0
  for (let t = t0; t < t1; t++) num += (ref[t] - ma) * (probe[t + lag] - mb)
  const den = Math.sqrt(energy(ref, ma) * energy(probe, mb))
  return den > 0 ? num / den : 0
}

function meanOf(x: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i]
  return x.length ? s / x.length : 0
}

function energy(x: ArrayLike<number>, mean: number): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += (x[i] - mean) ** 2
  return s
}

/** Gaussian smoothing with standard deviation `sigma` samples (kernel cut at 3σ, edges renormalised). */
export function gaussianSmooth(x: ArrayLike<number>, sigma: number): Float64Array {
  const r = Math.ceil(3 * sigma)
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)))
  const out = new Float64Array(x.length)
  for (let i = 0; i < x.length; i++) {
    let s = 0
    let w = 0
    for (let j = -r; j <= r; j++) {
      const t = i + j
      if (t < 0 || t >= x.length) continue
      s += k[j + r] * x[t]
      w += k[j + r]
    }
    out[i] = w > 0 ? s / w : 0
  }
  return out
}
