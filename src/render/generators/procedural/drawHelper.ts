/**
 * A second drawing thread for the procedural generator, off unless turned on with
 * setDrawHelper(true). Skia rasterises on the thread that reads the pixels back, so one thread
 * draws at most one frame at a time; with a helper, it draws every other frame of a shot while the
 * main thread draws the rest and feeds the encoder in order. It costs ~15-20 % more CPU a frame
 * (a second renderer per shot, a straight-RGBA readback, the hand-over), so it pays only when a
 * core would otherwise idle. One helper for the process, made on first use and kept (ref'd only
 * while a shot is open); when it cannot start (e.g. running from the TypeScript sources) or fails,
 * frames are drawn on the main thread: the same pixels either way.
 */
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { SegmentRequest } from '../types.js'

export type ToHelper = { type: 'open'; id: number; req: SegmentRequest } | { type: 'frame'; id: number; i: number } | { type: 'close'; id: number }
type FromHelper = { type: 'frame'; id: number; i: number; px: Uint8ClampedArray } | { type: 'error'; id: number; i: number; message: string }

/** A shot opened on the helper: ask for frames ahead, then take them in any order. */
export interface HelperShot {
  request(i: number): void
  take(i: number): Promise<Uint8Array>
  close(): void
}

let enabled = false
let worker: Worker | undefined
let broken = false
let nextId = 1
const waiting = new Map<string, { resolve(px: Uint8Array): void; reject(err: Error): void }>()
const arrived = new Map<string, Uint8Array | Error>()
const closed = new Set<number>()
let openShots = 0

/** Turns the helper thread on (only where there are two or more cores) or off (the default). */
export function setDrawHelper(on: boolean): void {
  enabled = on && availableParallelism() >= 2
}

function helper(): Worker | undefined {
  if (!enabled || broken) return undefined
  if (worker) return worker
  const url = new URL('./frameWorker.js', import.meta.url)
  if (!existsSync(fileURLToPath(url))) return undefined
  const w = new Worker(url)
  w.on('message', (m: FromHelper) => {
    if (closed.has(m.id)) return
    const key = `${m.id}:${m.i}`
    const v = m.type === 'frame' ? new Uint8Array(m.px.buffer, m.px.byteOffset, m.px.byteLength) : new Error(m.message)
    const p = waiting.get(key)
    if (!p) return void arrived.set(key, v)
    waiting.delete(key)
    if (v instanceof Error) p.reject(v)
    else p.resolve(v)
  })
  const fail = (err: Error) => {
    broken = true
    worker = undefined
    for (const p of waiting.values()) p.reject(err)
    waiting.clear()
  }
  w.on('error', fail)
  w.on('exit', (code) => fail(new Error(`drawing helper exited with code ${code}`)))
  // After the listeners (adding a 'message' listener refs the worker again); ref'd only while a shot is open.
  w.unref()
  worker = w
  return w
}

/** Opens the shot on the helper, or undefined when there is no helper (draw everything locally). */
export function openHelperShot(req: SegmentRequest): HelperShot | undefined {
  const w = helper()
  if (!w) return undefined
  const id = nextId++
  const { out: _out, ...rest } = req as SegmentRequest & { out?: unknown }
  try {
    w.postMessage({ type: 'open', id, req: rest as SegmentRequest } satisfies ToHelper)
  } catch {
    return undefined // a request that cannot be cloned (not plain data): draw locally
  }
  if (openShots++ === 0) w.ref()
  const asked = new Set<number>()
  return {
    request(i) {
      if (asked.has(i)) return
      asked.add(i)
      worker?.postMessage({ type: 'frame', id, i } satisfies ToHelper)
    },
    take(i) {
      const key = `${id}:${i}`
      const got = arrived.get(key)
      if (got !== undefined) {
        arrived.delete(key)
        return got instanceof Error ? Promise.reject(got) : Promise.resolve(got)
      }
      if (!worker) return Promise.reject(new Error('drawing helper is not running'))
      return new Promise((resolve, reject) => waiting.set(key, { resolve, reject }))
    },
    close() {
      if (closed.has(id)) return
      closed.add(id)
      if (--openShots === 0) worker?.unref()
      worker?.postMessage({ type: 'close', id } satisfies ToHelper)
      for (const key of [...arrived.keys()]) if (key.startsWith(`${id}:`)) arrived.delete(key)
      for (const [key, p] of waiting) if (key.startsWith(`${id}:`)) (waiting.delete(key), p.reject(new Error('shot closed')))
    },
  }
}
