/**
 * A batch variant's own timeline (variants/<name>.timeline/): the cut-down's edit of the base's
 * shots with their in-points, the variant's sound and its texts, as OTIO, FCPXML, EDL and MLT.
 * Played by the real `melt` from a moved copy of the folder, it gives the variant's pictures: bit
 * for bit the base's frames where no text shows, the variant's texts where one does, and the
 * variant's sound.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { batch, type BatchResult } from '../src/index.js'
import { sourceFrameOf } from '../src/batch/cutdown.js'
import type { Cutdown } from '../src/batch/types.js'
import { decodeAudioMono } from '../src/ffmpeg/decodeAudio.js'
import {
  cutClips,
  cutMarkers,
  placeFile,
  readOtioText,
  timecodeToFrame,
  timelineTexts,
  TIMELINE_FILES,
  readTimeline,
  writeTimelineTexts,
  type Rational,
  type Timeline,
} from '../src/timeline/index.js'
import { writeTestBrief } from './helpers/brief.js'
import { similarity } from './helpers/signal.js'
import { makeSongFixture } from './helpers/songFixture.js'
import { countFrames, framesAt, lumaMd5s, meltRender, ntscEdit } from './helpers/timelineFixture.js'

const FPS = 12
const W = 256
const H = 144
let dir: string
let result: BatchResult

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-vtl-'))
  const song = await makeSongFixture({ bpm: 120, seconds: 24, dir })
  const brief = writeTestBrief(dir, `output: ${W}x${H}@${FPS}\n`)
  writeFileSync(
    join(dir, 'variants.yaml'),
    ['variants:', '  - name: teaser', `    format: { width: ${W}, height: ${H} }`, '    length: 8', '    texts: { hook: "Out now", cta: "Listen today", captions: false }'].join('\n'),
  )
  result = await batch({ song: song.path, brief, variants: join(dir, 'variants.yaml'), outDir: join(dir, 'out'), parallel: 1 })
}, 600_000)

function teaser() {
  const v = result.manifest.variants.find((e) => e.name.startsWith('teaser'))
  if (!v || v.status !== 'ok') throw new Error(`no finished teaser variant: ${JSON.stringify(result.manifest.variants.map((e) => [e.name, e.status, e.error]))}`)
  return v
}

describe('a cut-down variant writes its own timeline', () => {
  it('holds the four files, the shots it uses, its sound and a full-frame PNG per text', () => {
    const v = teaser()
    expect(v.timeline).toBe(`variants/${v.name}.timeline`)
    const folder = join(result.outDir, v.timeline!)
    for (const f of Object.values(TIMELINE_FILES)) expect(existsSync(join(folder, f)), f).toBe(true)
    const media = readdirSync(join(folder, 'media')).sort()
    expect(media).toContain('audio.m4a')
    expect(media.filter((m) => m.startsWith('text-'))).toHaveLength(v.texts.length)
    expect(media.filter((m) => m.startsWith('shot-')).length).toBeGreaterThan(0)
    // Only the shots the pieces show: a 8 s cut of a 24 s film leaves some out.
    expect(media.filter((m) => m.startsWith('shot-')).length).toBeLessThan(readdirSync(join(result.outDir, '.longav', 'bases', readdirSync(join(result.outDir, '.longav', 'bases'))[0], 'segments')).filter((m) => m.startsWith('shot-')).length)
  })

  it('every reader finds cuts that tile the variant, and the EDL names its texts', async () => {
    const v = teaser()
    const folder = join(result.outDir, v.timeline!)
    for (const f of ['timeline.otio', 'timeline.fcpxml', 'timeline.mlt']) {
      const cuts = await readTimeline(join(folder, f))
      expect(cuts.fps, f).toEqual({ num: FPS, den: 1 })
      expect(cuts.clips[0].startFrame, f).toBe(0)
      for (let i = 1; i < cuts.clips.length; i++) expect(cuts.clips[i].startFrame, f).toBe(cuts.clips[i - 1].endFrame)
      expect(cuts.clips[cuts.clips.length - 1].endFrame, f).toBe(v.totalFrames)
    }
    // The record side adds up to the variant; the texts are named where an EDL cannot place them.
    const edl = readFileSync(join(folder, 'timeline.edl'), 'utf8')
    const events = edl.split('\n').filter((l) => / V +C /.test(l))
    const rec = events.map((l) => l.trim().split(/\s+/).slice(-2).map((tc) => timecodeToFrame(tc, { num: FPS, den: 1 })))
    expect(rec[0][0]).toBe(0)
    expect(rec[rec.length - 1][1]).toBe(v.totalFrames)
    for (const k of v.texts.keys()) expect(edl).toContain(`* OVERLAY text-${String(k + 1).padStart(2, '0')}: media/text-${String(k + 1).padStart(2, '0')}.png`)
  })

  it('melt plays it from a moved folder as the variant: the base where no text shows, the texts where they do, the same sound', async () => {
    const v = teaser()
    const moved = join(dir, 'moved')
    cpSync(join(result.outDir, v.timeline!), moved, { recursive: true })
    const melted = join(dir, 'melt.mkv')
    await meltRender(join(moved, 'timeline.mlt'), melted)
    expect(await countFrames(melted)).toBe(v.totalFrames)

    const cut = { fps: FPS, totalFrames: v.totalFrames, pieces: v.pieces } as Cutdown
    const showing = (k: number) => v.texts.some((t) => k >= t.startFrame && k < t.endFrame)
    // No text: melt's luma is the base film's at the frame the cut-down takes, bit for bit.
    const bare = Array.from({ length: v.totalFrames }, (_, k) => k).filter((k) => !showing(k))
    expect(bare.length).toBeGreaterThan(5)
    const sample = bare.filter((_, i) => i % Math.max(1, Math.floor(bare.length / 8)) === 0)
    const baseDir = join(result.outDir, '.longav', 'bases', readdirSync(join(result.outDir, '.longav', 'bases'))[0])
    const [fromBase, fromMelt] = await Promise.all([lumaMd5s(join(baseDir, 'final.mp4'), sample.map((k) => sourceFrameOf(cut, k))), lumaMd5s(melted, sample)])
    for (const k of sample) expect(fromMelt.get(k), `frame ${k}`).toBe(fromBase.get(sourceFrameOf(cut, k)))

    // A text at full strength (mid-window, past its fade): inside its box melt's picture is the
    // variant's (both lossy encodes of the same composite), and not the bare base.
    for (const t of v.texts) {
      const k = Math.floor((t.startFrame + t.endFrame) / 2)
      const size = { width: W, height: H }
      const [m, variant, base] = await Promise.all([
        framesAt(melted, [k], size),
        framesAt(join(result.outDir, v.file!), [k], size),
        framesAt(join(baseDir, 'final.mp4'), [sourceFrameOf(cut, k)], size),
      ])
      const box = t.box
      // Mean difference over the text's box, with b moved by (dx, dy): ffmpeg's overlay on a 4:2:0
      // picture puts a text at an odd x one pixel left (to the chroma grid), melt at the box itself.
      const diff = (a: Uint8Array, b: Uint8Array, dx = 0, dy = 0) => {
        let sum = 0
        let n = 0
        for (let y = Math.max(1, Math.floor(box.y)); y < Math.min(H - 1, Math.ceil(box.y + box.height)); y++)
          for (let x = Math.max(1, Math.floor(box.x)); x < Math.min(W - 1, Math.ceil(box.x + box.width)); x++)
            for (let c = 0; c < 3; c++) {
              sum += Math.abs(a[(y * W + x) * 3 + c] - b[((y + dy) * W + x + dx) * 3 + c])
              n++
            }
        return sum / n
      }
      const shifts = [-1, 0, 1].flatMap((dx) => [-1, 0, 1].map((dy) => [dx, dy] as const))
      const toVariant = Math.min(...shifts.map(([dx, dy]) => diff(m.get(k)!, variant.get(k)!, dx, dy)))
      const toBase = diff(m.get(k)!, base.get(sourceFrameOf(cut, k))!)
      expect(toVariant, `${t.role} "${t.text}" at frame ${k}: melt vs the variant`).toBeLessThan(8)
      expect(toBase, `${t.role} "${t.text}" at frame ${k}: melt vs the bare base`).toBeGreaterThan(3 * toVariant)
    }

    // The sound is the variant's own (its cut, fades and loudness), from frame 0.
    const [a, b] = await Promise.all([decodeAudioMono(join(result.outDir, v.file!), { sampleRate: 8000 }), decodeAudioMono(melted, { sampleRate: 8000 })])
    expect(Math.abs(a.durationSec - b.durationSec)).toBeLessThan(0.1)
    expect(similarity(a.samples, b.samples).correlation).toBeGreaterThan(0.95)
  })
})

describe('pieces that start and end inside shots, at 29.97 fps', () => {
  it('take each shot from its in-point in every format, and melt plays exactly those frames', async () => {
    const at = mkdtempSync(join(tmpdir(), 'longav-vtl-ntsc-'))
    const song = await makeSongFixture({ bpm: 120, seconds: 20, dir: at, format: 'wav' })
    const fps: Rational = { num: 30000, den: 1001 }
    const { timeline: whole, final } = await ntscEdit(at, fps, song)
    // Two pieces, each starting 17 frames into a shot and ending 9 frames into another; the second comes from earlier in the film.
    const [, s1, s2, s3] = whole.clips
    const spans = [
      { startFrame: s2.startFrame + 17, endFrame: s3.startFrame + 9 },
      { startFrame: s1.startFrame + 17, endFrame: s2.startFrame + 9 },
    ]
    const clips = cutClips(whole.clips, spans)
    expect(clips.map((c) => [c.name, c.sourceIn])).toEqual([
      [s2.name, 17],
      [s3.name, 0],
      [s1.name, 17],
      [`${s2.name}-2`, 0],
    ])
    const total = spans.reduce((n, p) => n + p.endFrame - p.startFrame, 0)
    const cut: Timeline = { ...whole, title: 'cut', totalFrames: total, clips, markers: cutMarkers(whole.markers, spans), overlays: [] }
    const out = join(at, 'cut')
    await writeTimelineTexts(out, timelineTexts(cut))
    mkdirSync(join(out, 'segments'), { recursive: true })
    for (const c of whole.clips) await placeFile(join(at, c.source), join(out, c.source), false)
    await placeFile(song.path, join(out, whole.song.source), false)

    // OTIO and the EDL carry the in-points.
    const otio = JSON.parse(readFileSync(join(out, 'timeline.otio'), 'utf8'))
    expect(otio.tracks.children[0].children.map((c: { source_range: { start_time: { value: number } } }) => c.source_range.start_time.value)).toEqual([17, 0, 17, 0])
    expect(readOtioText(readFileSync(join(out, 'timeline.otio'), 'utf8')).clips.map((c) => c.endFrame)).toEqual(clips.map((c) => c.endFrame))
    const edl = readFileSync(join(out, 'timeline.edl'), 'utf8').split('\n').filter((l) => / V +C /.test(l))
    expect(edl.map((l) => timecodeToFrame(l.trim().split(/\s+/)[4], fps))).toEqual([17, 0, 17, 0])

    // melt: every frame of the cut is the film's frame it takes (luma bit for bit), around each join too.
    const melted = join(at, 'cut.mkv')
    await meltRender(join(out, 'timeline.mlt'), melted)
    expect(await countFrames(melted)).toBe(total)
    const probe = [0, 1, ...clips.flatMap((c) => [c.startFrame - 1, c.startFrame, c.endFrame - 1]), total - 1].filter((k) => k >= 0 && k < total)
    const filmFrame = (k: number) => {
      let rest = k
      for (const p of spans) {
        if (rest < p.endFrame - p.startFrame) return p.startFrame + rest
        rest -= p.endFrame - p.startFrame
      }
      throw new Error(`frame ${k} past the cut`)
    }
    const [m, f] = await Promise.all([lumaMd5s(melted, probe), lumaMd5s(final, probe.map(filmFrame))])
    for (const k of probe) expect(m.get(k), `cut frame ${k} = film frame ${filmFrame(k)}`).toBe(f.get(filmFrame(k)))
  }, 120_000)
})
