import { metricOrder, type JudgeCandidate, type Match, type PairJudgement } from './judgement.js'

/** Judges one ordered pair: which attempt the model prefers with `first` shown as A (null: tie / no answer). */
export type JudgePair = (first: JudgeCandidate, second: JudgeCandidate) => Promise<PairJudgement>

/**
 * A single-elimination tournament over the candidates, seeded by the metrics (best meets worst
 * first; an odd one out gets a bye). Every match is judged in both orders to cancel position
 * bias: a candidate wins when both orders prefer it; otherwise (disagreement, ties, no answer)
 * the metric order decides.
 */
export async function runTournament(candidates: JudgeCandidate[], judgePair: JudgePair): Promise<{ winner: JudgeCandidate; matches: Match[] }> {
  if (candidates.length === 0) throw new Error('runTournament: no candidates')
  let alive = [...candidates].sort(metricOrder)
  const matches: Match[] = []
  while (alive.length > 1) {
    const next: JudgeCandidate[] = []
    const pairs = Math.floor(alive.length / 2)
    if (alive.length % 2 === 1) next.push(alive[0])
    const offset = alive.length % 2
    for (let i = 0; i < pairs; i++) {
      const a = alive[offset + i]
      const b = alive[alive.length - 1 - i]
      const m = await playMatch(a, b, judgePair)
      matches.push(m)
      next.push(m.winner === a.attempt ? a : b)
    }
    alive = next.sort(metricOrder)
  }
  return { winner: alive[0], matches }
}

async function playMatch(a: JudgeCandidate, b: JudgeCandidate, judgePair: JudgePair): Promise<Match> {
  const ab = await judgePair(a, b)
  const ba = await judgePair(b, a)
  const agreed = ab.preferred !== null && ab.preferred === ba.preferred
  const byMetrics = metricOrder(a, b) <= 0 ? a : b
  const winner = agreed ? (ab.preferred as number) : byMetrics.attempt
  return { a: a.attempt, b: b.attempt, judgements: [ab, ba], winner, decidedBy: agreed ? 'model' : 'metrics' }
}
