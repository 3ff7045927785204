// Times the two ways to apply a reframe crop path on a 1280x720 30 fps 20 s clip (made here with
// lavfi): (a) ffmpeg alone, crop moved per frame by sendcmd (what reframeVideo does); (b) decode
// full-size frames into JS, crop + bilinear scale in JS, encode through the raw-video encoder
// (no audio: it would need one more mux pass). Same path, same sizes. Also times the tracking pass. Run: npm run build && node bench/reframe-apply.mjs
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { planCropPath, reframeVideo, trackSubjects } from '../dist/batch/reframe/index.js'
import { openRawVideoEncoder, probeMedia, runFfmpeg, spawnFfmpeg } from '../dist/ffmpeg/index.js'

const dir = mkdtempSync(join(tmpdir(), 'longav-bench-reframe-'))
const SRC = { width: 1280, height: 720 }
const FPS = 30
const FRAMES = 20 * FPS
try {
  const clip = join(dir, 'clip.mp4')
  await runFfmpeg(['-f', 'lavfi', '-i', `testsrc2=s=1280x720:r=${FPS}:d=20`, '-f', 'lavfi', '-i', 'sine=frequency=440:duration=20',
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', clip])
  let t0 = performance.now()
  const track = await trackSubjects(clip)
  console.log(`tracking (160 px analysis): ${((performance.now() - t0) / 1000).toFixed(2)} s for ${track.subjects.length} frames`)
  // A subject that sweeps across and back, with a cut at 10 s.
  const subjects = Array.from({ length: FRAMES }, (_, i) => ({ x: i < 300 ? 100 + i * 3 : 1100 - (i - 300) * 2, y: 200, width: 150, height: 350 }))
  for (const dst of [{ width: 720, height: 1280 }, { width: 720, height: 720 }]) {
    const path = planCropPath(subjects, SRC, dst, { shotStarts: [300] })
    let t = performance.now()
    const a = join(dir, `sendcmd-${dst.width}x${dst.height}.mp4`)
    await reframeVideo(clip, a, path, dst)
    const sendcmdSec = (performance.now() - t) / 1000
    t = performance.now()
    const b = join(dir, `js-${dst.width}x${dst.height}.mp4`)
    await reframeInJs(clip, b, path, dst)
    const jsSec = (performance.now() - t) / 1000
    const [ia, ib] = await Promise.all([probeMedia(a, { countFrames: true }), probeMedia(b, { countFrames: true })])
    console.log(`${dst.width}x${dst.height}: sendcmd ${sendcmdSec.toFixed(2)} s (${ia.video.frames} frames, audio ${ia.audio?.codec ?? 'none'}), ` +
      `JS crop+scale ${jsSec.toFixed(2)} s (${ib.video.frames} frames, no audio); JS/sendcmd ${(jsSec / sendcmdSec).toFixed(2)}x`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}

/** Decode rgb24 at source size with backpressure, crop + bilinear scale to RGBA in JS, encode. */
async function reframeInJs(input, output, path, dst) {
  const enc = openRawVideoEncoder({ path: output, width: dst.width, height: dst.height, fps: FPS })
  const child = spawnFfmpeg(['-i', input, '-map', '0:v:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { stdin: false, stdout: true })
  const frameBytes = SRC.width * SRC.height * 3
  const pending = Buffer.alloc(frameBytes)
  const rgba = Buffer.alloc(dst.width * dst.height * 4)
  let filled = 0
  let index = 0
  let chain = Promise.resolve()
  const done = new Promise((resolve, reject) => {
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`decode exited ${code}`))))
  })
  child.stdout.on('data', (chunk) => {
    let off = 0
    while (off < chunk.length) {
      const take = Math.min(frameBytes - filled, chunk.length - off)
      chunk.copy(pending, filled, off, off + take)
      filled += take
      off += take
      if (filled === frameBytes) {
        filled = 0
        cropScale(pending, path[Math.min(index++, path.length - 1)], dst, rgba)
        child.stdout.pause()
        chain = chain.then(() => enc.writeFrame(rgba)).then(() => child.stdout.resume())
      }
    }
  })
  await done
  await chain
  await enc.finish()
}

function cropScale(rgb, box, dst, out) {
  const sx = box.width / dst.width
  const sy = box.height / dst.height
  const W = SRC.width
  for (let y = 0; y < dst.height; y++) {
    const fy = box.y + (y + 0.5) * sy - 0.5
    const y0 = Math.max(0, Math.floor(fy))
    const y1 = Math.min(SRC.height - 1, y0 + 1)
    const wy = fy - Math.floor(fy)
    for (let x = 0; x < dst.width; x++) {
      const fx = box.x + (x + 0.5) * sx - 0.5
      const x0 = Math.max(0, Math.floor(fx))
      const x1 = Math.min(W - 1, x0 + 1)
      const wx = fx - Math.floor(fx)
      const o = (y * dst.width + x) * 4
      for (let c = 0; c < 3; c++) {
        const top = rgb[(y0 * W + x0) * 3 + c] * (1 - wx) + rgb[(y0 * W + x1) * 3 + c] * wx
        const bot = rgb[(y1 * W + x0) * 3 + c] * (1 - wx) + rgb[(y1 * W + x1) * 3 + c] * wx
        out[o + c] = top * (1 - wy) + bot * wy
      }
      out[o + 3] = 255
    }
  }
}
