// Speed of the dense optical flow behind the motion metrics: times MotionTracker.add on 160×90 grey
// frames of a moving texture (speed and direction vary per frame) and projects the time for a
// 4-minute video at 30 fps (7200 frames). Build first (`npx tsc -p tsconfig.json`), then run
// `node bench/flow-speed.mjs [--frames 600] [--levels 3] [--radius 7] [--iterations N]`.
import { cpus } from 'node:os'
import { MotionTracker } from '../dist/metrics/flow.js'

const args = process.argv.slice(2)
const arg = (name, dflt) => {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : dflt
}
const W = 160
const H = 90
const frames = arg('--frames', 600)
const opts = {}
if (args.includes('--levels')) opts.levels = arg('--levels')
if (args.includes('--radius')) opts.windowRadius = arg('--radius')
if (args.includes('--iterations')) opts.iterations = arg('--iterations')

// A smooth texture (sum of oriented sinusoids), sampled at a camera position that drifts with a
// speed of 0..4 px/frame; frames are made up front so only the flow is timed.
const waves = []
for (let k = 0; k < 12; k++) {
  const period = 6 + ((k * 37) % 41)
  const th = (k * 2.39996) % Math.PI
  waves.push([(Math.cos(th) * 2 * Math.PI) / period, (Math.sin(th) * 2 * Math.PI) / period, k * 1.7, 8 + ((k * 13) % 9)])
}
const tex = (x, y) => {
  let v = 128
  for (const [a, b, p, amp] of waves) v += amp * Math.sin(a * x + b * y + p)
  return Math.max(0, Math.min(255, v))
}
const seq = []
const truth = []
let cx = 0
let cy = 0
for (let f = 0; f < frames; f++) {
  const speed = 2 + 2 * Math.sin(f / 23)
  const dir = f / 40
  const dx = speed * Math.cos(dir)
  const dy = speed * Math.sin(dir)
  if (f > 0) {
    cx += dx
    cy += dy
  }
  truth.push(f > 0 ? speed : 0)
  const img = new Uint8Array(W * H)
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) img[y * W + x] = Math.round(tex(x - cx, y - cy))
  seq.push(img)
}

const tracker = new MotionTracker(W, H, opts)
// Warm-up so the JIT has compiled the inner loops before timing.
for (let f = 0; f < Math.min(60, frames); f++) tracker.add(seq[f])
tracker.reset()
const buf = new Uint8Array(W * H) // one reused input buffer, as decodeFrames delivers frames
let errSum = 0
const t0 = process.hrtime.bigint()
for (let f = 0; f < frames; f++) {
  buf.set(seq[f])
  const m = tracker.add(buf)
  errSum += Math.abs(m - truth[f])
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6
const perFrame = ms / frames
console.log(`dense flow speed (${process.version}, ${cpus().length} cores, ${cpus()[0]?.model ?? '?'})`)
console.log(`options: ${JSON.stringify(opts)} (defaults where empty), frames ${W}×${H}, ${frames} frames`)
console.log(`MotionTracker.add: ${perFrame.toFixed(3)} ms/frame (${(1000 / perFrame).toFixed(0)} frames/s)`)
console.log(`projected for 4 min at 30 fps (7200 frames): ${((perFrame * 7200) / 1000).toFixed(1)} s`)
console.log(`mean |measured − true| speed: ${(errSum / frames).toFixed(4)} px/frame (true speeds 0..4 px/frame)`)
