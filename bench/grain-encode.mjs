// The film grain's cost in x264, on the example's own pictures: renders frames of a few shots of a
// finished base (plan, treatment, analysis in <baseDir>) as the renderer draws them, writes them
// raw, encodes them with the canonical segment settings and prints
// encode CPU per frame, size and SSIM/PSNR of the encode against its own source frames.
// Run: node bench/grain-encode.mjs <baseDir> <label>   (PNGs of frame 20 of each shot in /tmp/i13/grain/;
// SHOTS=0,2,9,14 picks the shots). Issue 13's grain experiment (hold 1/2/3 frames, static, half
// amplitude, none) ran with this script and a temporary switch in post.ts: see the branch's log.
import { spawnSync } from 'node:child_process'
import { createWriteStream, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { shotRequest } from '../dist/pipeline/shotRequest.js'
import { createShotRenderer } from '../dist/render/generators/procedural/scene.js'
import { SEGMENT_VIDEO_ARGS } from '../dist/ffmpeg/index.js'

const [baseDir, label] = process.argv.slice(2)
const out = '/tmp/i13/grain'
mkdirSync(out, { recursive: true })
const read = (f) => JSON.parse(readFileSync(join(baseDir, f), 'utf8'))
const made = { plan: read('plan.json'), treatment: read('treatment.json'), analysis: read('analysis.json'), songPath: 'examples/song.mp3' }
const { width: W, height: H, fps } = made.plan
const SHOTS = (process.env.SHOTS ?? '2,9,14').split(',').map(Number)
const N = 60
const raw = join(out, `${label}.rgba`)
const ws = createWriteStream(raw)
for (const k of SHOTS) {
  const req = shotRequest(made, k, {}, { initKeyframe: undefined, references: {} })
  const r = createShotRenderer(req)
  for (let i = 0; i < Math.min(N, req.frames); i++) {
    r.renderFrame(i, { captions: false })
    const px = r.canvas.data()
    if (!ws.write(Buffer.from(px))) await new Promise((ok) => ws.once('drain', ok))
    if (i === 20) writeFileSync(join(out, `${label}-shot${k}.png`), r.canvas.toBuffer('image/png'))
  }
}
await new Promise((ok) => ws.end(ok))
const frames = statSync(raw).size / (W * H * 4)
const mp4 = join(out, `${label}.mp4`)
const input = ['-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${W}x${H}`, '-r', String(fps), '-i', raw]
const t = spawnSync('/usr/bin/time', ['-f', '%U %S', 'ffmpeg', '-v', 'error', '-y', ...input, ...SEGMENT_VIDEO_ARGS.filter((a) => a !== '-an'), '-r', String(fps), mp4], { encoding: 'utf8' })
const [u, s] = t.stderr.trim().split('\n').pop().split(' ').map(Number)
const q = spawnSync('ffmpeg', ['-v', 'info', '-i', mp4, ...input, '-lavfi', '[0:v]format=yuv420p,split[a][c];[1:v]format=yuv420p,split[b][d];[a][b]ssim;[c][d]psnr', '-f', 'null', '-'], { encoding: 'utf8' }).stderr
const ssim = /SSIM .*All:([\d.]+)/.exec(q)?.[1]
const psnr = /PSNR .*average:([\d.inf]+)/.exec(q)?.[1]
const kb = statSync(mp4).size / 1024
console.log(`${label}: ${frames} frames ${W}x${H}; x264 ${(((u + s) * 1000) / frames).toFixed(1)} ms CPU/frame, ${(kb / frames).toFixed(1)} KiB/frame (${((kb * 8 * fps) / frames / 1000).toFixed(2)} Mb/s), SSIM ${ssim}, PSNR ${psnr} dB (encode vs its own source, yuv420p)`)
