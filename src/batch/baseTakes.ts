/**
 * The takes a batch's first base kept, for the other formats' bases to draw: the verifier judges
 * a shot's sync with the music (motion against beats and onsets), its length, exposure and
 * stillness, which the same plan, seed and revision give at every aspect. So one base per batch
 * verifies (and retakes) every shot; the others draw its kept take once, without the
 * verification decode, the metrics or retakes, and a character is the same take in every format.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { ShotRevision, Verdict } from '../agents/verifier/index.js'
import type { ChosenTakes } from '../pipeline/runners/chosenTakes.js'

/** What scores.json (src/pipeline/scoresJson.ts) says of each shot's attempts and rounds. */
const ScoresShots = z.object({
  shots: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      startFrame: z.number().int().nonnegative(),
      endFrame: z.number().int().positive(),
      keptAttempt: z.number().int().nonnegative(),
      attempts: z.array(z.object({ attempt: z.number().int().nonnegative(), round: z.number().int().nonnegative(), candidate: z.number().int().nonnegative(), verdict: Verdict })),
      rounds: z.array(z.object({ round: z.number().int().nonnegative(), revision: ShotRevision.optional() })),
    }),
  ),
})
export type ScoresShots = z.infer<typeof ScoresShots>

/**
 * Each shot's kept take (pure): its round and candidate, the revision it was generated with (the
 * shot machine's: every earlier round's revision, later ones winning) and its verdict.
 */
export function keptTakes(scores: ScoresShots, from: string): ChosenTakes {
  return {
    from,
    shots: scores.shots.map((s) => {
      const kept = s.attempts.find((a) => a.attempt === s.keptAttempt)
      if (!kept) throw new Error(`${from}: scores.json names attempt ${s.keptAttempt} of shot ${s.index} as kept, but has no such attempt`)
      const revision = Object.assign({}, ...s.rounds.filter((r) => r.round < kept.round).sort((a, b) => a.round - b.round).map((r) => r.revision ?? {}))
      return { shot: s.index, startFrame: s.startFrame, endFrame: s.endFrame, attempt: kept.attempt, round: kept.round, candidate: kept.candidate, revision, verdict: kept.verdict }
    }),
  }
}

/** The kept takes of the base render in `dir` (its scores.json), named `from`. */
export async function readKeptTakes(dir: string, from: string): Promise<ChosenTakes> {
  return keptTakes(ScoresShots.parse(JSON.parse(await readFile(join(dir, 'scores.json'), 'utf8'))), from)
}
