import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'

/**
 * The development set's manifest: one item per rendered excerpt with its exact truth. The MODEL
 * helper trains on split 'dev' only; 'test' is for reporting. Times in seconds from the start of
 * the item's audio file.
 */

/** Bumped when the set's make-up changes (sources, excerpting, generators, truth rules). */
export const DEVSET_VERSION = 'v1'

export const DevsetItem = z.object({
  id: z.string(),
  split: z.enum(['dev', 'test']),
  /** Where the music comes from: a Debian package's source id, or 'generated'. */
  source: z.string(),
  /** Who wrote it; never in both splits. */
  composerSet: z.string(),
  soundfont: z.string(),
  /** The ffmpeg processing chain (tools/devset/render.ts PROCESSING). */
  processing: z.string(),
  audioPath: z.string(),
  durationSec: z.number().positive(),
  beats: z.array(z.number()),
  downbeats: z.array(z.number()),
  /** Beats per bar as a listener counts them (6/8 → 2). */
  meter: z.number().int().positive(),
  /** Median tempo of the truth beats, beats per minute. */
  bpm: z.number().positive(),
  /** The notated signature ('6/8'), and what the piece holds: swing, rubato, tempo-change, drumless… */
  tags: z.array(z.string()),
})
export type DevsetItem = z.infer<typeof DevsetItem>

export const DevsetManifest = z.object({
  version: z.string(),
  createdAt: z.string(),
  items: z.array(DevsetItem),
  /** Pieces left out and why (grid not trustworthy, tempo out of range…). */
  dropped: z.array(z.object({ source: z.string(), name: z.string(), reason: z.string() })),
})
export type DevsetManifest = z.infer<typeof DevsetManifest>

/** $LONGAV_DEVSET_DIR, else `<os tmpdir>/longav-devset/<version>/`. */
export function devsetDir(): string {
  return process.env.LONGAV_DEVSET_DIR || join(tmpdir(), 'longav-devset', DEVSET_VERSION)
}

export function manifestPath(dir = devsetDir()): string {
  return join(dir, 'manifest.json')
}

export function readManifest(path = manifestPath()): DevsetManifest {
  return DevsetManifest.parse(JSON.parse(readFileSync(path, 'utf8')))
}
