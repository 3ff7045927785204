import { movingAverage, percentile } from '../features.js'

export interface VocalActivityOptions {
  /** Smoothing window of the foreground ratio. */
  smoothSec?: number
  /** Hysteresis: activity switches on above `on` and off below `off` (foreground share of the mix). */
  on?: number
  off?: number
  /** Frames quieter than this fraction of the loudest frame's RMS are silent: activity 0. */
  silence?: number
}

/**
 * Vocal activity 0..1 from the vocal-band foreground energy relative to the mix energy, per
 * frame: smoothed, then a hysteresis gate (so a held note does not flicker on and off) decides
 * on/off; while on, the value rises from 0.5 to 1 with the foreground share, while off it stays
 * below 0.4.
 */
export function vocalActivity(foreground: ArrayLike<number>, mixEnergy: ArrayLike<number>, rms: ArrayLike<number>, fps: number, opts: VocalActivityOptions = {}): Float64Array {
  const n = foreground.length
  const on = opts.on ?? 0.08
  const off = opts.off ?? 0.04
  const ratio = new Float64Array(n)
  let rmsMax = 0
  for (let i = 0; i < rms.length; i++) rmsMax = Math.max(rmsMax, rms[i])
  const quiet = (opts.silence ?? 0.02) * rmsMax
  for (let t = 0; t < n; t++) {
    const e = mixEnergy[t]
    const loud = t < rms.length && rms[t] > quiet
    ratio[t] = loud && e > 0 ? Math.min(1, foreground[t] / e) : 0
  }
  const s = movingAverage(ratio, Math.max(1, Math.round((opts.smoothSec ?? 0.3) * fps)))
  const ref = Math.max(on * 2, percentile(s, 0.95))
  const out = new Float64Array(n)
  let active = false
  for (let t = 0; t < n; t++) {
    const v = s[t]
    if (!active && v > on) active = true
    else if (active && v < off) active = false
    const x = active ? 0.5 + 0.5 * Math.min(1, Math.max(0, (v - off) / (ref - off))) : 0.4 * Math.min(1, Math.max(0, v / on))
    out[t] = Number.isFinite(x) ? x : 0
  }
  return out
}
