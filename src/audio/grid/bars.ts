/**
 * Downbeats and meter from the beats (madmom's DBNBarTrackingProcessor, reduced): for each
 * candidate meter m an HMM over the beat-in-bar position k ∈ 0..m−1 (k = 0 the downbeat) steps
 * k → k+1 mod m at every beat; any other step (a bar cut short or stretched: a 2/4 bar in a 4/4
 * song, a beat the tracker dropped) costs JUMP. After a beatless gap the position is free.
 *
 * Observation at beat i: the downbeat activation d_i read at the beat, as a likelihood ratio
 * against the song's mean d̄ — log(d_i/d̄) at k = 0, log((1−d_i)/(1−d̄)) elsewhere — so a model
 * that is unsure everywhere (low d throughout) does not hand the win to the meter with the fewest
 * downbeats. The meter is the one with the best Viterbi score plus a per-song log prior: 4 leads
 * by a couple of nats over 2 and 3 and by 7–8 over 5, 6 and 7, which only decides when the
 * evidence is a wash (dev split: 4/4 read as 5, 6 or 7 scored within 4 nats of 4; every true
 * 3, 5 and 7 led 4 by more than 13, bar one 3/4 at the wrong beat level). Two beats a bar is then
 * checked against four with a weaker third beat (halfBarContrast) and, given the music's chord
 * change per beat, against where the harmony moves (twoBeatsABar): 4/4 is the common case.
 */

/** Cost (nats) of a step other than k → k+1 mod m. */
export const JUMP = 6
/** Per-song log prior of each meter (4 is the common case, not a free default). */
export const METER_PRIOR: Readonly<Record<number, number>> = { 2: -2.5, 3: -1.5, 4: 0, 5: -8, 6: -7, 7: -8 }
const OTHER_METER_PRIOR = -9
const EPS = 0.02

export interface BarDecode {
  meter: number
  /** Beat-in-bar position of every beat (0 = downbeat). */
  position: number[]
  /** Per-beat log-likelihood ratio of "downbeat" vs "not", as the HMM scored it. */
  downLogOdds: number[]
  /** Score of each meter tried (Viterbi log-likelihood + prior), for reports and tests. */
  scores: Record<number, number>
  /** When the HMM read two beats a bar: how the 4-reading's middle beat compares (halfBarContrast). */
  halfBar?: { ratio: number; consistency: number; pairs: number; change?: number }
}

/**
 * `d[i]` is the downbeat activation at beat i, `gapBefore[i]` true where a beatless stretch
 * separates beat i from beat i−1, `weight[i]` (0..1, default 1) how much the beat itself is seen:
 * a beat the activation missed says nothing about the bar, so its downbeat evidence is scaled
 * down with it (otherwise missed downbeats would count against the true meter). `cue[i]` (nats,
 * optional) is the music's own evidence that beat i starts a bar (src/audio/grid/cues.ts): it
 * joins the downbeat log-odds for the bar phase only, once the meter is chosen without it.
 */
export function decodeBars(d: number[], gapBefore: boolean[], meters: number[], weight?: number[], cue?: number[], change?: number[]): BarDecode {
  const n = d.length
  const w = (i: number) => (weight ? Math.max(0, Math.min(1, weight[i])) : 1)
  let wSum = 0
  let dSum = 0
  for (let i = 0; i < n; i++) {
    wSum += w(i)
    dSum += w(i) * d[i]
  }
  const dBar = Math.min(1 - EPS, Math.max(EPS, wSum > 0 ? dSum / wSum : 0))
  const down = d.map((x, i) => w(i) * Math.log(Math.max(EPS, x) / dBar))
  const other = d.map((x, i) => w(i) * Math.log(Math.max(EPS, 1 - x) / (1 - dBar)))
  const downLogOdds = down.map((v, i) => v - other[i])
  const scores: Record<number, number> = {}
  const paths = new Map<number, number[]>()
  let best: { meter: number; score: number; position: number[] } | undefined
  for (const m of meters) {
    if (!(m >= 2) || n === 0) continue
    const { score, position } = viterbi(down, other, gapBefore, m)
    const total = score + (METER_PRIOR[m] ?? OTHER_METER_PRIOR)
    scores[m] = total
    paths.set(m, position)
    if (!best || total > best.score) best = { meter: m, score: total, position }
  }
  if (!best) return { meter: 4, position: d.map((_, i) => i % 4), downLogOdds, scores }
  // Two beats a bar, or four with a weaker third beat? See halfBarContrast.
  const four = paths.get(4)
  let halfBar: BarDecode['halfBar']
  if (best.meter === 2 && four) {
    const c = change && change.length === n ? halfBarChange(change, four, 4) : undefined
    halfBar = { ...halfBarContrast(d, four, 4, weight), ...(c === undefined ? {} : { change: c }) }
    if (halfBar.pairs >= MIN_BAR_PAIRS && !twoBeatsABar(halfBar, c)) {
      best = { meter: 4, score: scores[4], position: four }
    }
  }
  if (cue && cue.length === n) {
    // The meter stands as the activation read it; the music's own bar cues join in the phase.
    const downC = down.map((v, i) => v + cue[i])
    const withCue = downLogOdds.map((v, i) => v + cue[i])
    const { position } = viterbi(downC, other, gapBefore, best.meter)
    return { meter: best.meter, position, downLogOdds: withCue, scores, halfBar }
  }
  return { meter: best.meter, position: best.position, downLogOdds, scores, halfBar }
}

/**
 * A model often marks beat 3 of a 4/4 bar as a weaker downbeat: the HMM then prefers two beats a
 * bar (it counts beat 3 as a downbeat the activation half-supports). Read in m (= 4), the bar's
 * middle beat m/2 against its first: in 4/4 the middle is weaker bar after bar (ratio of means
 * well under 1, the first larger in most bars); in a true 2/4 the "bars" of the 4-reading
 * alternate between equal downbeats (ratio near 1, each larger half the time). Measured on the
 * dev split: 4/4 read as 2 mostly at ratio 0.4–0.9, consistency 0.6–1; 2/4 and 6/8 mostly at
 * 0.85–1, 0.4–0.6. The 2-reading stands only when the halves are equal (ratio ≥ 0.95) or the
 * first is not the larger in most bars; a listener's default, 4/4, needs no more than that.
 */
export const HALF_BAR_RATIO = 0.95
export const HALF_BAR_CONSISTENCY = 0.55
/** Fewer whole bars than this say nothing either way: the HMM's choice stands. */
const MIN_BAR_PAIRS = 4

/**
 * With the music's chord change per beat (cues.ts, relative to the song's mean beat), two beats a
 * bar stand when the harmony moves at the half bar as the model's downbeat curve does: a linear
 * vote of the halfBarContrast ratio and how much more the chord changes into the middle beat than
 * into the off-beats (harmonic rhythm, the listener's strongest cue for the bar: in 2/4 and 6/8
 * the chord changes every two beats, in 4/4 mostly every four). Fitted on the dev split only
 * (116 pieces the HMM read as two a bar, leave-one-piece-out: 106 right, against 97 for the
 * ratio-and-consistency rule, which stays for songs without cues).
 */
export const HALF_BAR_VOTE = { ratio: 8.44, change: 3.6, bias: -10.18 }

function twoBeatsABar(h: { ratio: number; consistency: number }, change: number | undefined): boolean {
  if (change === undefined) return h.ratio >= HALF_BAR_RATIO || h.consistency < HALF_BAR_CONSISTENCY
  return HALF_BAR_VOTE.ratio * h.ratio + HALF_BAR_VOTE.change * change + HALF_BAR_VOTE.bias > 0
}

/** Mean chord change into the bar's middle beat minus that into the other non-first beats, along `position` (meter m). */
export function halfBarChange(change: number[], position: number[], m: number): number {
  const h = m >> 1
  let mid = 0
  let nMid = 0
  let off = 0
  let nOff = 0
  position.forEach((p, i) => {
    if (!Number.isFinite(change[i])) return
    if (p === h) {
      mid += change[i]
      nMid++
    } else if (p !== 0) {
      off += change[i]
      nOff++
    }
  })
  return nMid && nOff ? mid / nMid - off / nOff : 0
}

export function halfBarContrast(d: number[], position: number[], m: number, weight?: number[]): { ratio: number; consistency: number; pairs: number } {
  const h = m >> 1
  const w = (i: number) => (weight ? Math.max(0, Math.min(1, weight[i])) : 1)
  let first = 0
  let middle = 0
  let wins = 0
  let pairs = 0
  for (let i = 0; i + h < position.length; i++) {
    if (position[i] !== 0 || position[i + h] !== h) continue
    const ww = Math.min(w(i), w(i + h))
    first += ww * d[i]
    middle += ww * d[i + h]
    if (d[i] > d[i + h]) wins++
    pairs++
  }
  return { ratio: first > 0 ? middle / first : 1, consistency: pairs ? wins / pairs : 0, pairs }
}

function viterbi(down: number[], other: number[], gapBefore: boolean[], m: number): { score: number; position: number[] } {
  const n = down.length
  const back = new Int8Array(n * m)
  let prev = new Float64Array(m)
  let cur = new Float64Array(m)
  for (let k = 0; k < m; k++) prev[k] = k === 0 ? down[0] : other[0]
  for (let i = 1; i < n; i++) {
    let top = 0
    for (let k = 1; k < m; k++) if (prev[k] > prev[top]) top = k
    const jump = gapBefore[i] ? 0 : JUMP
    for (let k = 0; k < m; k++) {
      const from = (k + m - 1) % m
      let v = prev[from]
      let arg = from
      if (prev[top] - jump > v) {
        v = prev[top] - jump
        arg = top
      }
      cur[k] = v + (k === 0 ? down[i] : other[i])
      back[i * m + k] = arg
    }
    ;[prev, cur] = [cur, prev]
  }
  let end = 0
  for (let k = 1; k < m; k++) if (prev[k] > prev[end]) end = k
  const position = new Array<number>(n)
  for (let i = n - 1, k = end; i >= 0; i--) {
    position[i] = k
    if (i > 0) k = back[i * m + k]
  }
  return { score: prev[end], position }
}

/** Nats of local phase margin at which a downbeat is fully confident. */
const MARGIN_FULL = 4
/** Bars each side over which the phase margin is summed. */
const MARGIN_BARS = 2

/**
 * Phase confidence of each beat at position 0: the log-likelihood margin of the decoded labels
 * over the best other phase shift, summed over ±MARGIN_BARS bars (not across a beatless gap,
 * where the phase starts afresh), scaled to 0..1.
 */
export function phaseConfidence(bars: BarDecode, gapBefore?: boolean[]): number[] {
  const { meter: m, position, downLogOdds } = bars
  const n = position.length
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    if (position[i] !== 0) continue
    let a = i
    while (a > 0 && a > i - MARGIN_BARS * m && !gapBefore?.[a]) a--
    let b = i
    while (b < n - 1 && b < i + (MARGIN_BARS + 1) * m - 1 && !gapBefore?.[b + 1]) b++
    let chosen = 0
    for (let j = a; j <= b; j++) if (position[j] === 0) chosen += downLogOdds[j]
    let alt = -Infinity
    for (let s = 1; s < m; s++) {
      let v = 0
      for (let j = a; j <= b; j++) if ((position[j] + s) % m === 0) v += downLogOdds[j]
      alt = Math.max(alt, v)
    }
    out.push(Math.max(0, Math.min(1, (chosen - alt) / MARGIN_FULL)))
  }
  return out
}
