import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { z } from 'zod'
import { decodeAudioMono } from '../../src/ffmpeg/index.js'
import { FEATURE_PARAMS, featureFps, logMelFeatures } from '../../src/audio/learned/features.js'

/**
 * Dumps the beat model's training data: for every item of the 'dev' split of a dev-set manifest,
 * the features exactly as the product computes them (src/audio/learned/features.ts) as raw
 * float32 `[frames, bands]`, and its labels (beat and downbeat times, meter, source) as JSON.
 * tools/beatnet/train.py reads only these files: features are never recomputed in Python.
 * index.json lists the items and a sha256 over every file written (the training-set hash).
 *
 * Usage: node build/tools/beatnet/dump.js [--manifest <manifest.json>] [--out <dir>]
 * Default manifest: $LONGAV_DEVSET_DIR/manifest.json, else the newest <tmp>/longav-devset/<version>/.
 */

const Item = z.object({
  id: z.string().min(1),
  split: z.enum(['dev', 'test']),
  source: z.string(),
  composerSet: z.string(),
  soundfont: z.string(),
  processing: z.unknown(),
  audioPath: z.string().min(1),
  durationSec: z.number(),
  beats: z.array(z.number()),
  downbeats: z.array(z.number()),
  meter: z.number(),
  bpm: z.number(),
  tags: z.array(z.string()).optional(),
})
const Manifest = z.union([z.array(Item), z.object({ items: z.array(Item) }).passthrough()])

function defaultManifest(): string {
  const env = process.env.LONGAV_DEVSET_DIR
  if (env) return join(env, 'manifest.json')
  const root = join(tmpdir(), 'longav-devset')
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'manifest.json'))).sort() : []
  if (!versions.length) throw new Error(`no dev set found under ${root}: build it (node build/tools/devset/build.js) or pass --manifest`)
  return join(root, versions[versions.length - 1], 'manifest.json')
}

const safe = (id: string) => id.replace(/[^A-Za-z0-9._-]+/g, '_')

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
  const manifestPath = resolve(arg('--manifest') ?? defaultManifest())
  const out = resolve(arg('--out') ?? join(tmpdir(), 'longav-beatnet-dump'))
  const manifestText = readFileSync(manifestPath, 'utf8')
  const parsed = Manifest.parse(JSON.parse(manifestText))
  const manifestInfo = {
    path: manifestPath,
    sha256: createHash('sha256').update(manifestText).digest('hex'),
    version: Array.isArray(parsed) ? undefined : parsed.version,
    createdAt: Array.isArray(parsed) ? undefined : parsed.createdAt,
  }
  const all = Array.isArray(parsed) ? parsed : parsed.items
  // Only the dev split, ever: the test split is for the integrator's report.
  const items = all.filter((i) => i.split === 'dev').sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  await mkdir(out, { recursive: true })
  const p = FEATURE_PARAMS
  const fps = featureFps(p)
  const setHash = createHash('sha256')
  setHash.update(JSON.stringify(p))
  const index: Array<Record<string, unknown>> = []
  let seconds = 0
  for (const it of items) {
    const audio = isAbsolute(it.audioPath) ? it.audioPath : join(dirname(manifestPath), it.audioPath)
    const { samples, sampleRate } = await decodeAudioMono(audio, { sampleRate: p.sampleRate })
    if (sampleRate !== p.sampleRate) throw new Error(`decoded at ${sampleRate}, expected ${p.sampleRate}`)
    const feats = logMelFeatures(samples)
    const frames = feats.length / p.bands
    const stem = safe(it.id)
    const featBytes = Buffer.from(feats.buffer, feats.byteOffset, feats.byteLength)
    const labels = {
      id: it.id,
      frames,
      fps,
      bands: p.bands,
      beats: it.beats,
      downbeats: it.downbeats,
      meter: it.meter,
      bpm: it.bpm,
      source: it.source,
      composerSet: it.composerSet,
      soundfont: it.soundfont,
      processing: it.processing,
      tags: it.tags ?? [],
    }
    const labelText = JSON.stringify(labels)
    await writeFile(join(out, `${stem}.f32`), featBytes)
    await writeFile(join(out, `${stem}.json`), labelText)
    setHash.update(stem).update(featBytes).update(labelText)
    index.push({ stem, id: it.id, frames, source: it.source, composerSet: it.composerSet, soundfont: it.soundfont, meter: it.meter, bpm: it.bpm })
    seconds += frames / fps
    console.log(`${it.id}: ${frames} frames`)
  }
  const sha256 = setHash.digest('hex')
  await writeFile(
    join(out, 'index.json'),
    JSON.stringify({ manifest: manifestPath, manifestInfo, split: 'dev', features: p, fps, items: index, hours: seconds / 3600, sha256 }, null, 1),
  )
  console.log(`${items.length} dev items (of ${all.length}), ${(seconds / 3600).toFixed(2)} h → ${out} (sha256 ${sha256.slice(0, 16)})`)
}

await main()
