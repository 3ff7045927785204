/**
 * Worker entry of hpssThread.ts: HPSS and its mel projection of the frames the analysis thread
 * sends, so the two run on two cores. Messages in: `{ frames: Float64Array, count }` (power
 * rows), `{ reserve }` (expected frame count), `{ finish: true }`; out: the HpssParts.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { HpssProjector, type HpssPartsOptions } from './hpssParts.js'

const opts = workerData as HpssPartsOptions
const bins = opts.nFft / 2 + 1
const projector = new HpssProjector(opts)

type Message = { frames: Float64Array; count: number } | { reserve: number } | { finish: true }

parentPort!.on('message', (msg: Message) => {
  if ('frames' in msg) {
    for (let i = 0; i < msg.count; i++) projector.push(msg.frames.subarray(i * bins, (i + 1) * bins))
  } else if ('reserve' in msg) projector.reserve(msg.reserve)
  else {
    const parts = projector.finish()
    const buffers = [...new Set([parts.harmonicMel.buffer, parts.percussiveMel.buffer, parts.harmonicEnergy.buffer, parts.percussiveEnergy.buffer])]
    parentPort!.postMessage(parts, buffers as ArrayBuffer[])
  }
})
