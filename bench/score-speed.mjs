// Times `longav score` on a 4-minute 1280x720 30 fps video against a 4-minute song, both
// generated here (a moving test pattern with a flash on every beat; a synthesized song), and
// prints wall time, the realtime factor and peak memory. Run: npm run bench:score
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { synthesizeSong, writeWav } from '../build/tools/synth.js'
import { runFfmpeg } from '../dist/ffmpeg/index.js'
import { score } from '../dist/index.js'

const dir = mkdtempSync(join(tmpdir(), 'longav-bench-score-'))
try {
  const bpm = 120
  const sections = [
    { label: 'intro', bars: 8, intensity: 0.4, drums: 'hats' },
    { label: 'verse', bars: 32, intensity: 0.7, drums: 'full', bass: true },
    { label: 'chorus', bars: 40, intensity: 1, drums: 'full', crash: true, chords: 'bright' },
    { label: 'outro', bars: 40, intensity: 0.5, drums: 'fade' },
  ]
  const song = synthesizeSong({ bpm, beatsPerBar: 4, sections, seed: 11, tailSec: 0.5 })
  const songPath = join(dir, 'song.wav')
  writeWav(songPath, song.samples, song.sampleRate)
  const seconds = song.samples.length / song.sampleRate
  const video = join(dir, 'video.mp4')
  // A flash on every beat: (t mod 0.5) < 1/30 brightens the frame.
  await runFfmpeg([
    '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=30:duration=${seconds.toFixed(3)}`,
    '-vf', `eq=brightness='if(lt(mod(t,${60 / bpm}),1/30),0.4,0)':eval=frame`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', video,
  ])
  let peakRss = 0
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100)
  const t0 = performance.now()
  const r = await score(video, songPath, { outDir: join(dir, 'out') })
  const wall = (performance.now() - t0) / 1000
  clearInterval(timer)
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
  console.log(`video ${seconds.toFixed(1)} s at 1280x720, 30 fps (${r.score.video.frames} frames), metrics at ${r.score.analysisSize.width}x${r.score.analysisSize.height}`)
  console.log(`longav score (analysis of the song included): ${wall.toFixed(1)} s wall, ${(seconds / wall).toFixed(1)}x faster than realtime, ${((wall * 1000) / r.score.video.frames).toFixed(2)} ms/frame`)
  console.log(`peak RSS (node) ${(peakRss / 2 ** 20).toFixed(0)} MiB`)
  console.log(`AV-Align ${r.score.avAlign.score} (baseline ${r.score.avAlign.baseline}), beat alignment ${r.score.beatAlignment.score} (baseline ${r.score.beatAlignment.baseline}), cuts found ${r.score.cuts.frames.length}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
