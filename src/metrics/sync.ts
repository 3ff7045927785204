/**
 * Sync metrics between a video's motion and the song: pure functions over peak lists and curves.
 * Times are seconds, frames are output-frame indices (time = frame / fps).
 */

/** Beat-period fractions the audio is shifted by for the chance baseline: none is a multiple of 1/2, 1/3 or 1/4. */
export const BASELINE_SHIFTS = [0.29, 0.41, 0.59, 0.71] as const

/**
 * Video peaks for AV-Align (Yariv et al.): strict local maxima of the mean optical-flow magnitude
 * (larger than both neighbours) of at least `minPx` pixels per frame. `motion[i]` is the flow from
 * frame i−1 to frame i, so a peak at i is a change that becomes visible on frame i (the reference
 * implementation places it one frame earlier, at the frame before the change).
 */
export function motionPeaks(motion: ArrayLike<number>, minPx = 0.1): number[] {
  const peaks: number[] = []
  for (let i = 1; i < motion.length - 1; i++) {
    const m = motion[i]
    if (m >= minPx && m > motion[i - 1] && m > motion[i + 1]) peaks.push(i)
  }
  return peaks
}

/**
 * AV-Align = I / (|A| + |V| − I): the intersection over union of audio peaks A (onset peaks, in
 * seconds) and video peaks V (frames), where an audio peak and a video peak match when they are at
 * most `toleranceFrames` video frames apart; matching is greedy, each peak used once, audio peaks
 * in time order taking the nearest free video peak. 0 when both are empty.
 */
export function avAlign(audioPeaksSec: readonly number[], videoPeakFrames: readonly number[], fps: number, toleranceFrames = 1): { score: number; matched: number } {
  const a = [...audioPeaksSec].sort((x, y) => x - y)
  const v = [...videoPeakFrames].sort((x, y) => x - y)
  const used = new Uint8Array(v.length)
  let matched = 0
  let lo = 0
  for (const t of a) {
    const f = t * fps
    while (lo < v.length && v[lo] < f - toleranceFrames - 1e-9) lo++
    let best = -1
    let bestD = Infinity
    for (let j = lo; j < v.length && v[j] <= f + toleranceFrames + 1e-9; j++) {
      const d = Math.abs(v[j] - f)
      if (!used[j] && d < bestD) {
        best = j
        bestD = d
      }
    }
    if (best >= 0) {
      used[best] = 1
      matched++
    }
  }
  const union = a.length + v.length - matched
  return { score: union > 0 ? matched / union : 0, matched }
}

/** Times moved by `shiftSec`, wrapped around [0, durationSec) so the count stays the same. */
export function shiftTimes(times: readonly number[], shiftSec: number, durationSec: number): number[] {
  if (durationSec <= 0) return [...times]
  return times.map((t) => (((t + shiftSec) % durationSec) + durationSec) % durationSec).sort((x, y) => x - y)
}

/**
 * Expected AV-Align of |A| audio peaks against |V| video peaks placed at random over `frames`
 * frames: each audio peak finds a video peak within ±tolerance with probability
 * p = 1 − (1 − (2·tol+1)/frames)^|V|, so I ≈ |A|·p and chance = I / (|A| + |V| − I).
 */
export function avAlignChance(audioPeaks: number, videoPeaks: number, frames: number, toleranceFrames = 1): number {
  if (frames <= 0 || audioPeaks + videoPeaks === 0) return 0
  const p = 1 - Math.pow(1 - Math.min(1, (2 * toleranceFrames + 1) / frames), videoPeaks)
  const i = Math.min(audioPeaks, videoPeaks, audioPeaks * p)
  return i / (audioPeaks + videoPeaks - i)
}

export interface SyncWithBaseline {
  score: number
  /** Mean of the same metric over the audio shifted by BASELINE_SHIFTS beat periods. */
  baseline: number
  shiftsSec: number[]
}

/** AV-Align of the video's motion against the song's onset peaks, beside its shifted-audio baseline. */
export function avAlignWithBaseline(
  audioPeaksSec: readonly number[],
  motion: ArrayLike<number>,
  fps: number,
  beatPeriodSec: number,
): SyncWithBaseline & { audioPeaks: number; videoPeaks: number } {
  const durationSec = motion.length / fps
  const video = motionPeaks(motion)
  const audio = audioPeaksSec.filter((t) => t >= 0 && t < durationSec)
  const shiftsSec = BASELINE_SHIFTS.map((k) => k * beatPeriodSec)
  const baseline = mean(shiftsSec.map((s) => avAlign(shiftTimes(audio, s, durationSec), video, fps).score))
  return { score: avAlign(audio, video, fps).score, baseline, shiftsSec, audioPeaks: audio.length, videoPeaks: video.length }
}

/**
 * Motion beats: the moments the picture's motion marks. Dance metrics (AIST++) take kinematic
 * beats, local minima of motion speed where a movement stops; a music video also marks the beat
 * by starting motion (a hit, a flash, a jolt, a cut). Both count here:
 * - a stop: frame i is the lowest speed within ±w frames (w ≈ 0.1 s) and at most half the
 *   highest speed in the 0.25 s before it, which is at least 0.1 px/frame above it;
 * - a start: the rise of speed into frame i, d = speed[i] − speed[i−1], is the largest within
 *   ±w frames, at least 0.1 px/frame, and lifts speed to at least twice its level just before.
 * Frames are returned in ascending order.
 */
export function motionBeats(speed: ArrayLike<number>, fps: number): number[] {
  const n = speed.length
  const w = Math.max(1, Math.round(0.1 * fps))
  const back = Math.max(2, Math.round(0.25 * fps))
  const beats = new Set<number>()
  for (let i = 1; i < n; i++) {
    const s = speed[i]
    let isMin = true
    for (let j = Math.max(0, i - w); j <= Math.min(n - 1, i + w) && isMin; j++) if (j !== i && (speed[j] < s || (speed[j] === s && j < i))) isMin = false
    if (isMin) {
      let before = 0
      for (let j = Math.max(0, i - back); j < i; j++) before = Math.max(before, speed[j])
      if (before - s >= 0.1 && s <= 0.5 * before) beats.add(i)
    }
    const d = s - speed[i - 1]
    if (d >= 0.1 && s >= 2 * speed[i - 1]) {
      let isPeak = true
      for (let j = Math.max(1, i - w); j <= Math.min(n - 1, i + w) && isPeak; j++) {
        if (j === i) continue
        const dj = speed[j] - speed[j - 1]
        if (dj > d || (dj === d && j < i)) isPeak = false
      }
      if (isPeak) beats.add(i)
    }
  }
  return [...beats].sort((a, b) => a - b)
}

/**
 * Beat alignment score (AIST++ / Bailando): the mean over music beats of exp(−d² / (2σ²)), d the
 * distance (seconds) from the beat to the nearest motion beat; σ = 0.05 s (3 frames at 60 fps).
 * 1 when every beat carries a motion beat; 0 without motion beats.
 */
export function beatAlignment(musicBeatsSec: readonly number[], motionBeatFrames: readonly number[], fps: number, sigmaSec = 0.05): number {
  if (!musicBeatsSec.length || !motionBeatFrames.length) return 0
  const m = [...motionBeatFrames].map((f) => f / fps).sort((a, b) => a - b)
  let sum = 0
  let j = 0
  for (const b of musicBeatsSec) {
    while (j + 1 < m.length && m[j + 1] <= b) j++
    let d = Math.abs(m[j] - b)
    if (j + 1 < m.length) d = Math.min(d, Math.abs(m[j + 1] - b))
    sum += Math.exp(-(d * d) / (2 * sigmaSec * sigmaSec))
  }
  return sum / musicBeatsSec.length
}

/** Beat alignment of the motion against the song's beats, beside the same with the beats shifted. */
export function beatAlignmentWithBaseline(beatsSec: readonly number[], speed: ArrayLike<number>, fps: number, beatPeriodSec: number): SyncWithBaseline {
  const durationSec = speed.length / fps
  const motion = motionBeats(speed, fps)
  const beats = beatsSec.filter((t) => t >= 0 && t < durationSec)
  const shiftsSec = BASELINE_SHIFTS.map((k) => k * beatPeriodSec)
  const baseline = mean(shiftsSec.map((s) => beatAlignment(shiftTimes(beats, s, durationSec), motion, fps)))
  return { score: beatAlignment(beats, motion, fps), baseline, shiftsSec }
}

/**
 * Cuts on the beat: the share of cuts (frames where a new shot starts) within ±`toleranceFrames`
 * of a beat or downbeat (each at frame round(t·fps)). null without cuts. Chance is the share of
 * frames inside such a window: (2·tol + 1) / frames-per-beat, capped at 1.
 */
export function cutsOnBeat(cuts: readonly number[], beatsSec: readonly number[], fps: number, bpm: number, toleranceFrames = 1): { share: number | null; chance: number; onBeat: boolean[] } {
  const grid = beatsSec.map((t) => Math.round(t * fps)).sort((a, b) => a - b)
  const onBeat = cuts.map((c) => nearestDistance(grid, c) <= toleranceFrames)
  const framesPerBeat = (60 / bpm) * fps
  return {
    share: cuts.length ? onBeat.filter(Boolean).length / cuts.length : null,
    chance: Math.min(1, (2 * toleranceFrames + 1) / Math.max(1, framesPerBeat)),
    onBeat,
  }
}

/**
 * The share of section boundaries (every section start after the first) that receive a cut within
 * half a beat; null when the song has one section.
 */
export function sectionsWithCut(cuts: readonly number[], sectionStartsSec: readonly number[], fps: number, beatPeriodSec: number): number | null {
  const bounds = sectionStartsSec.filter((t) => t > 0).map((t) => t * fps)
  if (!bounds.length) return null
  const sorted = [...cuts].sort((a, b) => a - b)
  const tol = Math.max(1, (beatPeriodSec * fps) / 2)
  return bounds.filter((b) => nearestDistance(sorted, b) <= tol).length / bounds.length
}

/** Distance from x to the nearest value of an ascending array (Infinity when empty). */
export function nearestDistance(sorted: readonly number[], x: number): number {
  let lo = 0
  let hi = sorted.length - 1
  if (hi < 0) return Infinity
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid] < x) lo = mid + 1
    else hi = mid
  }
  let d = Math.abs(sorted[lo] - x)
  if (lo > 0) d = Math.min(d, Math.abs(sorted[lo - 1] - x))
  return d
}

/** Mean motion inside a span, leaving out index 0 (the flow into its first frame comes from outside it). */
export function meanMotionAfterFirst(motion: ArrayLike<number>): number {
  let sum = 0
  for (let i = 1; i < motion.length; i++) sum += motion[i]
  return motion.length > 1 ? sum / (motion.length - 1) : 0
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0
}
