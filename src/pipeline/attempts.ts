import type { Verdict } from '../agents/verifier/index.js'
import type { Judgement } from '../agents/verifier/judgement.js'
import type { Segment } from '../schemas/index.js'

/** One generated attempt and the verifier's judgement of it. */
export interface AttemptRecord {
  attempt: number
  /** VISTA round the attempt belongs to, and its place among the round's candidates. */
  round: number
  candidate: number
  segment: Segment
  verdict: Verdict
  cached: boolean
}

export interface ShotOutput {
  shotIndex: number
  /** The attempt kept: the winner of the round that passed, else the best round winner. */
  best: AttemptRecord
  attempts: AttemptRecord[]
  /** One judgement per round: candidates, tournament, critique, rewrite. */
  rounds: Judgement[]
}

/** The winner of the round that passed; else the best of the round winners by the metrics. */
export function keptAttempt(attempts: AttemptRecord[], rounds: Judgement[]): AttemptRecord {
  const byNumber = new Map(attempts.map((a) => [a.attempt, a]))
  const passed = rounds.find((r) => r.passed)
  if (passed && byNumber.has(passed.winner)) return byNumber.get(passed.winner)!
  const winners = rounds.map((r) => byNumber.get(r.winner)).filter((a): a is AttemptRecord => a !== undefined)
  return bestAttempt(winners.length ? winners : attempts)
}

/** The accepted attempt if any, else the highest score; ties keep the earlier attempt. */
export function bestAttempt(attempts: AttemptRecord[]): AttemptRecord {
  const accepted = attempts.filter((a) => a.verdict.accepted)
  const pool = accepted.length ? accepted : attempts
  return pool.reduce((best, a) => (a.verdict.score > best.verdict.score ? a : best))
}
