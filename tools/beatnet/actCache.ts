import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, isAbsolute, join } from 'node:path'
import { learnedActivations, type BeatActivations } from '../../src/audio/learned/activations.js'
import type { BeatModel } from '../../src/audio/learned/model.js'
import { decodeAudioMono } from '../../src/ffmpeg/index.js'

/**
 * A cache of the beat model's activations per dev-set item, beside the manifest:
 * `<manifest dir>/cache/activations/<onnx sha256, 16 hex>/<item id, made safe>.f32` holding
 * [beat frames…, downbeat frames…] (float32). Keyed by the model's bytes, so a retrained model
 * never reads a stale file. The decoder can then be tuned on many items in seconds.
 */

export function modelKey(modelPath: string): string {
  return createHash('sha256').update(readFileSync(modelPath)).digest('hex').slice(0, 16)
}

export function cacheDir(manifestPath: string, key: string): string {
  return join(dirname(manifestPath), 'cache', 'activations', key)
}

const safe = (id: string) => id.replace(/[^A-Za-z0-9._-]+/g, '_')

/** The item's activations: from the cache, or computed with `model` (decode at the model's rate) and stored. */
export async function cachedActivations(
  item: { id: string; audioPath: string },
  manifestPath: string,
  key: string,
  model: () => Promise<BeatModel>,
): Promise<BeatActivations> {
  const dir = cacheDir(manifestPath, key)
  const file = join(dir, `${safe(item.id)}.f32`)
  if (existsSync(file)) {
    const buf = await readFile(file)
    const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4)
    const n = all.length / 2
    const m = await model()
    return { fps: m.meta.fps, beat: all.slice(0, n), downbeat: all.slice(n) }
  }
  const m = await model()
  const path = isAbsolute(item.audioPath) ? item.audioPath : join(dirname(manifestPath), item.audioPath)
  const { samples, sampleRate } = await decodeAudioMono(path, { sampleRate: m.meta.features.sampleRate })
  const act = await learnedActivations(samples, sampleRate, { model: m })
  const out = new Float32Array(act.beat.length * 2)
  out.set(act.beat, 0)
  out.set(act.downbeat, act.beat.length)
  await mkdir(dir, { recursive: true })
  await writeFile(file, Buffer.from(out.buffer))
  return act
}
