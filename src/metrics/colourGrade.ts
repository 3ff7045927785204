/**
 * A global colour grade between two frames: per channel, out = gain × in + offset, fitted on the
 * coarse grid's cell means (cell by cell, same place), robustly (trimmed least squares, so cells a
 * moving figure, an arm or a caption changed do not bend the fit).
 *
 * Why: music-video generators grade the whole picture on the beat — a flash toward white (a lift:
 * gain < 1 and an offset), a tint that follows the harmony (per channel) — and a grade moves every
 * cell's chroma, so without it a beat flash reads as "the whole picture is new" (the procedural
 * close-ups of the bundled example: half the cells changed on each beat, none of them by motion).
 * A cut to another scene, even one of the same layout in other colours, is no such grade: the
 * channels of different colours do not map one to one (a palette cut fits with residuals of
 * 40–75 levels on half the cells, a beat flash 5–10).
 *
 * Gains are held to [MIN_GAIN, MAX_GAIN]: a fade to black (gain → 0) must stay a change, and an
 * offset alone can turn any flat colour into any other (flat pictures are judged by the histogram).
 */

/** Per-channel gain and offset (R, G, B). */
export interface ColourGrade {
  gain: [number, number, number]
  offset: [number, number, number]
}

export const IDENTITY_GRADE: ColourGrade = { gain: [1, 1, 1], offset: [0, 0, 0] }

/**
 * Smallest and largest gain a grade may have: a white flash of a third, a tint of ±15 % per
 * channel, a gain pulse of 1.5×. A wide shot and its close-up in one set of colours must not pass
 * for a grade of each other (a fit free down to a gain of 0.5 made one).
 */
const MIN_GAIN = 0.65
const MAX_GAIN = 1.5
/** Share of cells the fit keeps after each round (the ones it explains best). */
const KEEP = 0.6
const ROUNDS = 3

/**
 * Fits `b ≈ gain × a + offset` per channel over matching cells of two cell-RGB grids (packed
 * R, G, B per cell, 0..255, same grid), keeping the best-explained `KEEP` share of cells each round.
 */
export function fitColourGrade(a: Float32Array, b: Float32Array): ColourGrade {
  const n = Math.min(a.length, b.length) / 3
  if (n < 1) return IDENTITY_GRADE
  const gain: [number, number, number] = [1, 1, 1]
  const offset: [number, number, number] = [0, 0, 0]
  let keep = Uint32Array.from({ length: n }, (_, i) => i)
  const residual = new Float64Array(n)
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < 3; k++) {
      let sa = 0
      let sb = 0
      let saa = 0
      let sab = 0
      for (const i of keep) {
        const x = a[i * 3 + k]
        const y = b[i * 3 + k]
        sa += x
        sb += y
        saa += x * x
        sab += x * y
      }
      const m = keep.length
      const va = saa / m - (sa / m) ** 2
      // A channel with (almost) no spread says nothing about the gain: keep it neutral.
      const g = va > 1 ? (sab / m - (sa / m) * (sb / m)) / va : 1
      gain[k] = Math.max(MIN_GAIN, Math.min(MAX_GAIN, g))
      offset[k] = sb / m - (gain[k] * sa) / m
    }
    if (round === ROUNDS - 1) break
    for (let i = 0; i < n; i++) residual[i] = gradeResidual(a, i * 3, b, i * 3, { gain, offset })
    const order = Uint32Array.from({ length: n }, (_, i) => i).sort((p, q) => residual[p] - residual[q])
    keep = order.slice(0, Math.max(1, Math.ceil(n * KEEP)))
  }
  return { gain, offset }
}

/** RGB distance (levels) between cell `p` of `a` graded and cell `q` of `b`. */
export function gradeResidual(a: Float32Array, p: number, b: Float32Array, q: number, grade: ColourGrade): number {
  const dr = grade.gain[0] * a[p] + grade.offset[0] - b[q]
  const dg = grade.gain[1] * a[p + 1] + grade.offset[1] - b[q + 1]
  const db = grade.gain[2] * a[p + 2] + grade.offset[2] - b[q + 2]
  return Math.sqrt(dr * dr + dg * dg + db * db)
}

/** Largest offset (levels) of a channel a grade leaves at its gain: noise and compression, no lift. */
const STILL_OFFSET = 20

/**
 * True when the grade is a veil of one colour over the picture or its removal, per channel
 * out = (1 − α)·in + α·W with W a colour (a flash toward white, a haze), channels without a veil
 * keeping their levels. A cut between two flat colours fits a grade of gain 1 and large offsets
 * of opposite signs, two unrelated pictures a gain held at its bound: no veil.
 */
export function isVeil(grade: ColourGrade): boolean {
  for (let k = 0; k < 3; k++) {
    // A gain held at a bound is no fit: two unrelated pictures end there (with a mid-grey "veil").
    if (grade.gain[k] <= MIN_GAIN + 0.01 || grade.gain[k] >= MAX_GAIN - 0.01) return false
    // A veil lifted is one laid on the other way: judge the inverse grade (in = out / g − o / g).
    const lifted = grade.gain[k] > 1
    const gain = lifted ? 1 / grade.gain[k] : grade.gain[k]
    const offset = lifted ? -grade.offset[k] / grade.gain[k] : grade.offset[k]
    const alpha = 1 - gain
    if (alpha < 0.03) {
      if (Math.abs(offset) > STILL_OFFSET) return false
      continue
    }
    const w = offset / alpha
    if (w < -16 || w > 271) return false
  }
  return true
}
