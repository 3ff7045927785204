/**
 * The simplest reading of activations: local maxima above a threshold, at least `minGap` seconds
 * apart. Used to check the model on its own (tests, tools/beatnet/evaluate.ts); the product
 * reads activations through the decoder (src/audio/grid/). Pure; times in seconds.
 */
export function pickPeaks(act: ArrayLike<number>, fps: number, opts: { threshold?: number; minGap?: number } = {}): number[] {
  const threshold = opts.threshold ?? 0.4
  const minGap = opts.minGap ?? 0.2
  const w = Math.max(1, Math.round((minGap * fps) / 2))
  const out: number[] = []
  let last = -Infinity
  for (let i = 0; i < act.length; i++) {
    const v = act[i]
    if (v < threshold) continue
    let isMax = true
    for (let j = Math.max(0, i - w); j <= Math.min(act.length - 1, i + w) && isMax; j++) if (act[j] > v) isMax = false
    if (isMax && (i - last) / fps >= minGap) {
      out.push(i / fps)
      last = i
    }
  }
  return out
}
