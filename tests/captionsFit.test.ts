/**
 * Captions a client would sign off: no word lost at any aspect (the words' pixels are found in the
 * real renderer's frames), inside the safe area, held until the next line, styled per brief.
 */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas'
import { describe, expect, it } from 'vitest'
import { clipCaptions, lyricCaptions, plainLyricCaptions, readingSeconds } from '../src/agents/planner/captions.js'
import { BriefError, briefTemplate, parseBrief } from '../src/brief/index.js'
import { createShotRenderer } from '../src/render/generators/procedural/index.js'
import { captionBlock, captionLines, captionSafeArea, type CaptionBlock } from '../src/render/generators/procedural/captions.js'
import { DEFAULT_CAPTION_STYLE, type Analysis, type Caption, type CaptionStyle } from '../src/schemas/index.js'
import { secondsToFrame } from '../src/time.js'
import { captionRequest, snapshot } from './helpers/captionRequest.js'

const CTA = 'Stream the new single everywhere today and find the tour dates, the lyrics and the merch at https://longav.example.com/tour-2026/tickets?ref=video'
const ASPECTS: Array<[string, number, number]> = [['16:9', 640, 360], ['9:16', 360, 640], ['1:1', 480, 480], ['4:5', 432, 540]]

/** Caption on vs off in the real renderer: the pixels the caption changed. */
function frames(w: number, h: number, captions: Caption[], abs: number, style?: CaptionStyle, frames = 96) {
  const r = createShotRenderer(captionRequest({ width: w, height: h, startFrame: 0, frames, captions, captionStyle: style }))
  r.renderFrame(abs, { captions: false })
  const off = snapshot(r.canvas)
  r.renderFrame(abs)
  const on = snapshot(r.canvas)
  return { on, off, ctx: r.canvas.getContext('2d') }
}

const changed = (on: Uint8ClampedArray, off: Uint8ClampedArray, i: number) =>
  Math.abs(on[i] - off[i]) + Math.abs(on[i + 1] - off[i + 1]) + Math.abs(on[i + 2] - off[i + 2]) > 40

/** Bounding box of the changed pixels. */
function changedBox(on: Uint8ClampedArray, off: Uint8ClampedArray, w: number, h: number) {
  let x0 = w
  let y0 = h
  let x1 = -1
  let y1 = -1
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!changed(on, off, (y * w + x) * 4)) continue
      x0 = Math.min(x0, x)
      x1 = Math.max(x1, x)
      y0 = Math.min(y0, y)
      y1 = Math.max(y1, y)
    }
  }
  return { x0, y0, x1, y1 }
}

/** White glyph pixels of `word` drawn alone in the caption's font (what a reader must see). */
function inkAlone(font: string, word: string): number {
  const c = createCanvas(Math.ceil(word.length * 40 + 20), 80)
  const ctx = c.getContext('2d')
  ctx.fillStyle = '#000'
  ctx.fillRect(0, 0, c.width, c.height)
  ctx.font = font
  ctx.fillStyle = '#fff'
  ctx.fillText(word, 5, 60)
  const d = ctx.getImageData(0, 0, c.width, c.height).data
  let n = 0
  for (let i = 0; i < d.length; i += 4) if (d[i] > 200) n++
  return n
}

/** Each word of a page with its box in the frame, from the layout the renderer draws. */
function wordBoxes(ctx: SKRSContext2D, block: CaptionBlock, page: number, h: number, style: CaptionStyle) {
  ctx.font = block.font
  const { cx, baselines } = captionLines(block, page, h, style)
  const space = ctx.measureText(' ').width
  return block.pages[page].flatMap((line, k) => {
    let x = cx - ctx.measureText(line).width / 2
    return line.split(' ').map((word) => {
      const w = ctx.measureText(word).width
      const box = { word, x0: Math.floor(x - 1), x1: Math.ceil(x + w + 1), y0: Math.floor(baselines[k] - block.fontPx), y1: Math.ceil(baselines[k] + block.fontPx * 0.3) }
      x += w + space
      return box
    })
  })
}

/** White caption pixels the caption put into a word's box. */
function inkIn(on: Uint8ClampedArray, off: Uint8ClampedArray, w: number, b: { x0: number; x1: number; y0: number; y1: number }): number {
  let n = 0
  for (let y = b.y0; y <= b.y1; y++) {
    for (let x = b.x0; x <= b.x1; x++) {
      const i = (y * w + x) * 4
      if (Math.min(on[i], on[i + 1], on[i + 2]) > 200 && changed(on, off, i)) n++
    }
  }
  return n
}

describe('a long line keeps every word', () => {
  for (const [name, w, h] of ASPECTS) {
    it(`${name}: every word's glyphs are in the frames, page by page over the line's time, inside the safe area`, () => {
      const caption: Caption = { startFrame: 0, endFrame: 96, text: CTA }
      const probe = frames(w, h, [caption], 0)
      const block = captionBlock(probe.ctx, CTA, w, h, DEFAULT_CAPTION_STYLE, 'DejaVu Sans')!
      // Nothing is cut: the pages hold every character in order, each whole word on one line.
      expect(block.pages.flat().join('').replace(/\s/g, '')).toBe(CTA.replace(/\s/g, ''))
      const tokens = block.pages.flat().flatMap((l) => l.split(' '))
      for (const word of CTA.split(' ').filter((x) => !x.startsWith('https'))) expect(tokens).toContain(word)
      expect(block.pages.every((p) => p.length <= 3)).toBe(true)
      // Each page is on screen in turn, for a readable time (at least half a second at 24 fps).
      const shownAt = Array.from({ length: 96 }, (_, f) => block.ends.findIndex((e) => (f + 0.5) / 96 < e))
      block.pages.forEach((_, k) => expect(shownAt.filter((p) => p === k).length).toBeGreaterThanOrEqual(12))
      const area = captionSafeArea(w, h)
      block.pages.forEach((_, k) => {
        const f = shownAt.indexOf(k) + 4
        const { on, off, ctx } = frames(w, h, [caption], f)
        for (const b of wordBoxes(ctx, block, k, h, DEFAULT_CAPTION_STYLE)) {
          expect(inkIn(on, off, w, b), `${name} page ${k}: "${b.word}"`).toBeGreaterThan(0.6 * inkAlone(block.font, b.word))
        }
        const box = changedBox(on, off, w, h)
        expect(box.x0).toBeGreaterThanOrEqual(area.x - 1)
        expect(box.x1).toBeLessThanOrEqual(area.x + area.width + 1)
        expect(box.y0).toBeGreaterThanOrEqual(area.y - 1)
        expect(box.y1).toBeLessThanOrEqual(area.y + area.height + 1)
      })
      if (name === '9:16') expect(block.pages.length).toBeGreaterThan(1)
      if (name === '16:9') expect(block.pages.length).toBe(1)
    })
  }

  it('a short line stays at the default size on one page; a longer one shrinks before it pages', () => {
    const ctx = createCanvas(8, 8).getContext('2d')
    const short = captionBlock(ctx, 'we light the city up', 640, 360, DEFAULT_CAPTION_STYLE, 'DejaVu Sans')!
    const mid = captionBlock(ctx, CTA.slice(0, 150), 640, 360, DEFAULT_CAPTION_STYLE, 'DejaVu Sans')!
    expect(short.pages).toEqual([['we light the city up']])
    expect(mid.pages).toHaveLength(1)
    expect(mid.fontPx).toBeLessThan(short.fontPx)
  })
})

describe('a line stays until the next one', () => {
  const fps = 24
  it('holds up to 10 s until the next line, then its reading time; the renderer still shows it 8 s in', () => {
    const caps = lyricCaptions([{ time: 1, text: 'We light the city up' }, { time: 9.5, text: 'and drive on' }, { time: 30, text: 'home' }], fps, 40 * fps)
    expect(caps.map((c) => [c.startFrame, c.endFrame])).toEqual([
      [secondsToFrame(1, fps), secondsToFrame(9.5, fps)],
      [secondsToFrame(9.5, fps), secondsToFrame(9.5 + readingSeconds('and drive on'), fps)],
      [secondsToFrame(30, fps), secondsToFrame(34, fps)],
    ])
    // The piece of the first line in a shot from 7 s to 9 s: on screen, full strength, 8 s after it began.
    const shot = clipCaptions(caps, 7 * fps, 9 * fps)
    const r = createShotRenderer(captionRequest({ width: 320, height: 180, fps, startFrame: 7 * fps, frames: 2 * fps, captions: shot }))
    r.renderFrame(fps, { captions: false })
    const off = snapshot(r.canvas)
    r.renderFrame(fps)
    const on = snapshot(r.canvas)
    let n = 0
    for (let i = 0; i < on.length; i += 4) if (changed(on, off, i)) n++
    expect(n).toBeGreaterThan(300)
  })
})

describe('lips while a line is held', () => {
  it('move for the first 5 s of a line, then only while the voice is there', () => {
    const fps = 12
    // One frame, 8 s (then 1 s) into a line, no voice: the picture without the caption's own pixels.
    const picture = (sinceStart: number, vocal: number, captions: boolean) => {
      const start = 20 * fps
      const line: Caption = { startFrame: start, endFrame: start + 2, text: 'la', lineStartFrame: start - sinceStart * fps, lineEndFrame: start + 10 * fps }
      const req = captionRequest({ width: 320, height: 180, fps, startFrame: start, frames: 2, captions: captions ? [line] : [] })
      const r = createShotRenderer({ ...req, controls: req.controls.map((c) => ({ ...c, vocal })) })
      r.renderFrame(0, { captions: false })
      return snapshot(r.canvas)
    }
    const same = (a: Uint8ClampedArray, b: Uint8ClampedArray) => a.every((v, i) => v === b[i])
    expect(same(picture(8, 0, true), picture(8, 0, false))).toBe(true)
    expect(same(picture(1, 0, true), picture(1, 0, false))).toBe(false)
  })
})

describe('plain-text lyrics', () => {
  // 60 s: intro and break and outro without voice, a verse 8-24 s and a chorus 32-48 s sung.
  const parts: Array<[string, number, number, number]> = [['intro', 0, 8, 0.05], ['verse', 8, 24, 0.7], ['break', 24, 32, 0.1], ['chorus', 32, 48, 0.8], ['outro', 48, 60, 0.1]]
  const flat = { fps: 10, values: Array(600).fill(0.5) }
  const analysis: Analysis = {
    version: 1,
    source: { path: '/tmp/song.wav', sha256: 'x', durationSec: 60, sampleRate: 22050 },
    tempo: { bpm: 120, confidence: 0.9, min: 120, max: 120, varying: false },
    beatless: [],
    streams: { method: 'dsp', detail: 'test' },
    meter: 4,
    beats: [],
    beatConfidence: [],
    downbeats: [],
    downbeatConfidence: [],
    tracker: { method: 'dsp', detail: 'test' },
    sections: parts.map(([label, start, end], index) => ({ index, label, start, end, energy: 0.5, confidence: 1 })),
    features: {
      onset: flat, rms: flat, percussive: flat, harmonic: flat, centroid: flat, hue: flat,
      vocal: { fps: 10, values: Array.from({ length: 600 }, (_, i) => parts.find(([, a, b]) => i / 10 >= a && i / 10 < b)![3]) },
    },
  }
  const lines = ['one', 'two words', 'three little words', 'four', 'five', 'six and the last']

  it('go in order over the sung sections only, each until the next line or its section ends', () => {
    const fps = 24
    const caps = plainLyricCaptions(lines.map((text) => ({ text })), analysis, fps, 60 * fps)
    expect(caps.map((c) => c.text)).toEqual(lines)
    const verse = caps.slice(0, 3)
    const chorus = caps.slice(3)
    expect(verse[0].startFrame).toBe(8 * fps)
    expect(verse[2].endFrame).toBe(24 * fps)
    expect(chorus[0].startFrame).toBe(32 * fps)
    expect(chorus[2].endFrame).toBe(48 * fps)
    // No gap inside a section: each line stays until the next one.
    for (const part of [verse, chorus]) part.slice(1).forEach((c, k) => expect(c.startFrame).toBe(part[k].endFrame))
    // Longer lines get longer.
    expect(verse[2].endFrame - verse[2].startFrame).toBeGreaterThan(verse[0].endFrame - verse[0].startFrame)
  })

  it('through lyricCaptions when it is given the analysis; without it, untimed lines are skipped as before', () => {
    const plain = lines.map((text) => ({ text }))
    expect(lyricCaptions(plain, 24, 60 * 24, analysis)).toEqual(plainLyricCaptions(plain, analysis, 24, 60 * 24))
    expect(lyricCaptions(plain, 24, 60 * 24)).toEqual([])
  })

  it('leave timed lyrics alone', () => {
    expect(plainLyricCaptions([{ time: 3, text: 'timed' }, { text: 'plain' }], analysis, 24, 60 * 24)).toEqual([])
  })
})

describe('caption style', () => {
  const w = 480
  const h = 270
  const caption: Caption = { startFrame: 0, endFrame: 48, text: 'we light the city up' }
  const look = (style: CaptionStyle) => {
    const { on, off } = frames(w, h, [caption], 20, style, 48)
    let white = 0
    for (let i = 0; i < on.length; i += 4) if (Math.min(on[i], on[i + 1], on[i + 2]) > 200 && changed(on, off, i)) white++
    return { on, off, box: changedBox(on, off, w, h), white }
  }
  const base = DEFAULT_CAPTION_STYLE

  it('position puts the text at the bottom, the top or the centre', () => {
    const bottom = look(base).box
    const top = look({ ...base, position: 'top' }).box
    const centre = look({ ...base, position: 'center' }).box
    expect(bottom.y0).toBeGreaterThan(h * 0.7)
    expect(top.y1).toBeLessThan(h * 0.3)
    expect((centre.y0 + centre.y1) / 2).toBeGreaterThan(h * 0.4)
    expect((centre.y0 + centre.y1) / 2).toBeLessThan(h * 0.6)
  })

  it('box draws a dark box around the text, band one across the whole width', () => {
    const none = look(base)
    const box = look({ ...base, box: 'box' })
    const band = look({ ...base, box: 'band' })
    // Darkened pixels on the text's middle row: the box reaches past the text on both sides, within the frame; the band spans it.
    const darkened = (l: ReturnType<typeof look>) => {
      const row = Math.round((none.box.y0 + none.box.y1) / 2)
      const xs: number[] = []
      for (let x = 0; x < w; x++) {
        const i = (row * w + x) * 4
        if (l.on[i] + l.on[i + 1] + l.on[i + 2] < l.off[i] + l.off[i + 1] + l.off[i + 2] - 6) xs.push(x)
      }
      return { x0: Math.min(...xs), x1: Math.max(...xs), n: xs.length }
    }
    const b = darkened(box)
    expect(b.x0).toBeLessThan(none.box.x0)
    expect(b.x1).toBeGreaterThan(none.box.x1)
    expect(b.x0).toBeGreaterThan(0)
    expect(b.x1).toBeLessThan(w - 1)
    // Solid: nearly every pixel between its ends is darker (the glyphs are white, so some are not).
    expect(b.n / (b.x1 - b.x0 + 1)).toBeGreaterThan(0.6)
    const d = darkened(band)
    expect([d.x0, d.x1]).toEqual([0, w - 1])
    expect(darkened(none).n).toBeLessThan(b.n / 2)
  })

  it('weight and size change the strokes and the size', () => {
    const bold = look(base)
    const normal = look({ ...base, weight: 'normal' })
    const big = look({ ...base, size: 1.5 })
    expect(bold.white).toBeGreaterThan(normal.white * 1.15)
    const height = (b: { y0: number; y1: number }) => b.y1 - b.y0
    const width = (b: { x0: number; x1: number }) => b.x1 - b.x0
    // One line either way: its width scales with the size (its height at 480x270 is ~17 px, where a pixel of rounding is 6 %).
    expect(width(big.box) / width(bold.box)).toBeGreaterThan(1.35)
    expect(height(big.box) / height(bold.box)).toBeGreaterThan(1.2)
  })
})

describe('captionStyle in the brief', () => {
  const md = (front: string) => `---\ntitle: T\nconcept: C\n${front}---\nnotes\n`
  const errorOf = (front: string): BriefError => {
    try {
      parseBrief(md(front), { baseDir: '/tmp' })
    } catch (e) {
      expect(e).toBeInstanceOf(BriefError)
      return e as BriefError
    }
    throw new Error('expected a BriefError')
  }

  it('reads the keys with defaults for the rest; a brief without it has none', () => {
    expect(parseBrief(md('captionStyle: { position: top, box: band }\n'), { baseDir: '/tmp' }).captionStyle).toEqual({ weight: 'bold', position: 'top', box: 'band', size: 1 })
    expect(parseBrief(md(''), { baseDir: '/tmp' }).captionStyle).toBeUndefined()
  })

  it("the template's commented captionStyle, uncommented, is the default style", () => {
    const text = briefTemplate().replace(/^# (captionStyle:\n)((?:#  .*\n){4})/m, (_, head: string, body: string) => head + body.replace(/^# /gm, ''))
    expect(text).toMatch(/^captionStyle:$/m)
    expect(parseBrief(text, { baseDir: '/tmp' }).captionStyle).toEqual(DEFAULT_CAPTION_STYLE)
  })

  it('names the field that is wrong', () => {
    expect(errorOf('captionStyle: { position: middle }\n').message).toBe('brief.md: captionStyle.position: expected one of bottom, top, center (got "middle")')
    expect(errorOf('captionStyle: { size: 5 }\n').message).toMatch(/^brief\.md: captionStyle\.size: expected a number between 0\.5 and 2/)
    expect(errorOf('captionStyle: { box: boxed }\n').message).toMatch(/captionStyle\.box: expected one of none, box, band/)
    expect(errorOf('captionStyle: { colour: red }\n').message).toMatch(/^brief\.md: captionStyle\.colour: unknown key/)
    expect(errorOf('captionStyle: big\n').message).toMatch(/^brief\.md: captionStyle: expected a mapping with any of weight, position, box, size/)
  })
})
