/**
 * The `footageChoice` sidecar: what the footage generator chose for a segment (asset, in-point,
 * timing, crop or still move, alignment; or why the shot went to the fallback), written as JSON
 * next to the segment video for tests, the report and anyone wondering why a shot looks as it does.
 */
import { randomBytes } from 'node:crypto'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { z } from 'zod'
import { CAMERA_MOVES } from '../../../schemas/plan.js'

const Common = {
  version: z.literal(1),
  shotIndex: z.number().int().nonnegative(),
  attempt: z.number().int().nonnegative(),
  output: z.object({ width: z.number().int(), height: z.number().int(), fps: z.number(), frames: z.number().int() }),
}

const Picked = {
  ...Common,
  generator: z.literal('footage'),
  asset: z.string(),
  tags: z.array(z.string()),
  matchedTags: z.array(z.string()),
  tagScore: z.number(),
  /** Shown before in this render (nothing unshown was left). */
  reused: z.boolean(),
  source: z.object({ width: z.number().int(), height: z.number().int() }),
}

const Point = z.object({ frame: z.number().int(), x: z.number(), y: z.number() })
const View = z.object({ zoom: z.number(), cx: z.number(), cy: z.number() })

export const FootageChoiceRecord = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('clip'),
    ...Picked,
    inFrame: z.number().int().nonnegative(),
    inSec: z.number().nonnegative(),
    sourceFps: z.number().positive(),
    sourceFrames: z.number().int().positive(),
    /** Source frames per output frame, and source seconds per output second. */
    step: z.number().positive(),
    speed: z.number().positive(),
    resample: z.enum(['conform', 'drop', 'blend']),
    slowed: z.boolean(),
    overlapFrames: z.number().nonnegative(),
    cutsInside: z.number().int().nonnegative(),
    alignment: z.object({
      method: z.literal('av-align'),
      avAlign: z.number(),
      matched: z.number().int(),
      beatAlignment: z.number(),
      /** Shot frames with a beat or a hit, and the span's predicted motion peaks (shot frames). */
      targets: z.array(z.number().int()),
      peaks: z.array(z.number().int()),
    }),
    crop: z.object({ width: z.number().int(), height: z.number().int(), fixed: z.boolean(), keyframes: z.array(Point).min(1) }),
  }),
  z.object({
    kind: z.literal('still'),
    ...Picked,
    detail: z.object({ cx: z.number(), cy: z.number() }),
    move: z.object({ camera: z.enum(CAMERA_MOVES), from: View, to: View, baseWidth: z.number(), baseHeight: z.number() }),
  }),
  z.object({ kind: z.literal('fallback'), ...Common, generator: z.string(), reason: z.string() }),
])
export type FootageChoiceRecord = z.infer<typeof FootageChoiceRecord>

/** `<video without extension>.footage.json`. */
export function footageChoicePath(video: string): string {
  return `${video.replace(/\.[^./\\]+$/, '')}.footage.json`
}

export async function writeFootageChoice(video: string, record: FootageChoiceRecord): Promise<string> {
  const target = footageChoicePath(video)
  const tmp = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
  try {
    await writeFile(tmp, `${JSON.stringify(FootageChoiceRecord.parse(record), null, 2)}\n`)
    await rename(tmp, target)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
  return target
}

/** Reads and validates the sidecar of a segment video. */
export async function readFootageChoice(video: string): Promise<FootageChoiceRecord> {
  return FootageChoiceRecord.parse(JSON.parse(await readFile(footageChoicePath(video), 'utf8')))
}
