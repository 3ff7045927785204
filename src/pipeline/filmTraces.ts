/**
 * Film traces (metrics/filmTrace.ts) in the store, one per segment file: the verifier keeps the
 * trace of every candidate it measures, and scoring a film reads its shots' traces instead of
 * decoding the film. Keyed by the file (path, size, modification time: store files never change)
 * and the metric size, so a trace is only ever read back for the very frames it measured.
 */
import { statSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { FILM_TRACE_VERSION, type FilmTrace, type TraceStore } from '../metrics/filmTrace.js'
import { decodeFilmTrace, encodeFilmTrace } from '../metrics/filmTraceCodec.js'
import { filmFramesFromTraces, type FilmFrames } from '../metrics/filmFrames.js'
import { METRIC_WIDTH } from '../metrics/measureFrames.js'
import { measureFramesOffThread } from '../metrics/measureOffThread.js'
import { analysisSize, probeMedia } from '../ffmpeg/index.js'
import { stepKey, type Store } from '../store/index.js'

const FILE = 'trace.bin'

function traceKey(path: string): string {
  const s = statSync(path)
  return stepKey('film-trace', FILM_TRACE_VERSION, { path, size: s.size, mtimeMs: s.mtimeMs, width: METRIC_WIDTH })
}

export async function saveFilmTrace(store: Store, path: string, trace: FilmTrace): Promise<void> {
  await store.artifact('film-trace', traceKey(path), (tmp) => writeFile(join(tmp, FILE), encodeFilmTrace(trace)))
}

/** The stored trace of `path`, or undefined (none yet, or unreadable: then it is measured again). */
export async function loadFilmTrace(store: Store, path: string): Promise<FilmTrace | undefined> {
  const file = join(store.artifactDir('film-trace', traceKey(path)), FILE)
  if (!existsSync(file)) return undefined
  try {
    return decodeFilmTrace(await readFile(file))
  } catch {
    return undefined
  }
}

/** The store as a TraceStore (what measureSegment takes). */
export function storeTraces(store: Store): TraceStore {
  return { load: (path) => loadFilmTrace(store, path), save: (path, trace) => saveFilmTrace(store, path, trace) }
}

/** The trace of every file, read from the store or measured (one decode of that file) and kept. */
export async function filmTraces(store: Store, paths: readonly string[], signal?: AbortSignal): Promise<{ traces: FilmTrace[]; measured: number }> {
  let measured = 0
  const traces: FilmTrace[] = []
  for (const path of paths) {
    let t = await loadFilmTrace(store, path)
    if (!t) {
      t = (await measureFramesOffThread(path, { trace: true, signal })).trace!
      await saveFilmTrace(store, path, t)
      measured++
    }
    traces.push(t)
  }
  return { traces, measured }
}

/**
 * The film's frames measured from the traces of the segments it was joined from, in order: one
 * probe of the film (its size, rate, frame count and audio), no decode. Undefined, with the reason,
 * when the film is not exactly those segments end to end (then it has to be decoded).
 */
export async function filmFramesOf(
  film: string,
  segments: readonly string[],
  store: Store,
  signal?: AbortSignal,
): Promise<{ frames: FilmFrames; measured: number } | { reason: string }> {
  const info = await probeMedia(film, { signal })
  const v = info.video
  if (!v) return { reason: 'the film has no video stream' }
  const { traces, measured } = await filmTraces(store, segments, signal)
  const total = traces.reduce((s, t) => s + t.frames, 0)
  if (v.frames !== total) return { reason: `the film has ${v.frames ?? 'an unknown number of'} frames, its segments ${total}` }
  const size = analysisSize(v.width, v.height, METRIC_WIDTH)
  const t0 = traces[0]
  if (t0.width !== size.width || t0.height !== size.height) return { reason: `the segments were measured at ${t0.width}×${t0.height}, the film's metric size is ${size.width}×${size.height}` }
  return { frames: filmFramesFromTraces(traces, v.fps, info), measured }
}
