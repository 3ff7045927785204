/**
 * The worker-thread side of measureOffThread.ts: measures one video per message with measureFrames
 * and posts the result back as plain data (typed arrays moved, not copied).
 */
import { parentPort } from 'node:worker_threads'
import { measureFrames } from './measureFrames.js'
import type { MeasureJob, MeasureReply } from './measureOffThread.js'

const running = new Map<number, AbortController>()

parentPort?.on('message', (msg: MeasureJob | { abort: number }) => {
  if ('abort' in msg) return running.get(msg.abort)?.abort()
  const ac = new AbortController()
  running.set(msg.id, ac)
  measureFrames(msg.path, { width: msg.width, trace: msg.trace, info: msg.info, signal: ac.signal })
    .then((m) => {
      const { temporal, ...rest } = m
      const reply: MeasureReply = { id: msg.id, ok: { ...rest, luma: temporal.lumaSeries(), sim: temporal.similaritySeries() } }
      parentPort!.postMessage(reply, [m.motion.buffer as ArrayBuffer])
    })
    .catch((err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err))
      // Only the plain fields (kind, code, ffmpeg's stderr tail and exit code) cross the thread.
      const props = Object.fromEntries(Object.entries(e).filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v)))
      const reply: MeasureReply = { id: msg.id, error: { name: e.name, message: e.message, props } }
      parentPort!.postMessage(reply)
    })
    .finally(() => running.delete(msg.id))
})
