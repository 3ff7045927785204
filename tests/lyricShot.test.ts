/** Lyric-typography shots: the line as large words that appear on the beats, through createShotRenderer. */
import { describe, expect, it } from 'vitest'
import { createShotRenderer, lyricShotFits } from '../src/render/generators/procedural/index.js'
import { wordRevealFrames } from '../src/render/generators/procedural/lyricShot.js'
import type { Caption } from '../src/schemas/index.js'
import { captionRequest, pulse, snapshot } from './helpers/captionRequest.js'

const W = 480
const H = 270
const FPS = 24
const LINE: Caption = { startFrame: 0, endFrame: 96, text: 'We light the city up tonight' }

/** Pixels the text changed against the same frame with no text (hideCaptions draws only the background). */
function textPixels(frame: number, caption: Caption = LINE): number {
  const req = captionRequest({ width: W, height: H, fps: FPS, startFrame: 0, frames: 96, captions: [caption], shot: { kind: 'lyric' } })
  const withText = createShotRenderer(req)
  const bare = createShotRenderer({ ...req, hideCaptions: true })
  withText.renderFrame(frame)
  bare.renderFrame(frame)
  const a = snapshot(withText.canvas)
  const b = snapshot(bare.canvas)
  let n = 0
  for (let i = 0; i < a.length; i += 4) if (Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]) > 60) n++
  return n
}

describe('lyric shot', () => {
  it('reveals the words in order, each on a beat of the shot, a fast line several to a beat', () => {
    const controls = pulse(0, 96, FPS)
    const reveal = wordRevealFrames(6, LINE, controls, 0, FPS)
    expect(reveal).toEqual([0, 12, 24, 36, 48, 48])
    reveal.forEach((f, k) => expect(controls[f].onBeat, `word ${k} at frame ${f}`).toBe(true))
    // 22 words in 4 s: all out by the beat after the first 60 % of the line, on beats, never out of order.
    const many = wordRevealFrames(22, LINE, controls, 0, FPS)
    many.forEach((f, k) => {
      expect(controls[f].onBeat, `word ${k} at frame ${f}`).toBe(true)
      if (k > 0) expect(f).toBeGreaterThanOrEqual(many[k - 1])
    })
    expect(Math.max(...many)).toBeLessThanOrEqual(0.6 * 96 + FPS / 2)
    // Without beats nearby, words keep their own spread times.
    const still = pulse(0, 96, FPS).map((c) => ({ ...c, onBeat: false }))
    expect(wordRevealFrames(6, LINE, still, 0, FPS)).toEqual([0, 9, 19, 28, 38, 48])
  })

  it('draws a new word on the beat frame, not before; large type, more of it as the line goes on', () => {
    const reveal = wordRevealFrames(6, LINE, pulse(0, 96, FPS), 0, FPS)
    const b = reveal[3]
    const before = textPixels(b - 1)
    expect(textPixels(b - 2)).toBeGreaterThan(before * 0.9)
    expect(textPixels(b - 2)).toBeLessThan(before * 1.1)
    expect(textPixels(b)).toBeGreaterThan(before * 1.1)
    expect(textPixels(b + 4)).toBeGreaterThan(before * 1.3)
    // The whole line, once out, covers far more of the frame than a subtitle does (large type).
    expect(textPixels(80)).toBeGreaterThan(0.05 * W * H)
  })

  it('shows nothing of the text when captions are hidden (a batch draws its own)', () => {
    const req = captionRequest({ width: W, height: H, fps: FPS, startFrame: 0, frames: 96, captions: [LINE], shot: { kind: 'lyric' } })
    const hidden = createShotRenderer({ ...req, hideCaptions: true })
    const none = createShotRenderer({ ...req, shot: { ...req.shot, captions: [] } })
    hidden.renderFrame(80)
    none.renderFrame(80)
    expect(Buffer.from(snapshot(hidden.canvas)).equals(Buffer.from(snapshot(none.canvas)))).toBe(true)
  })

  it('lyricShotFits: one short line covering most of the shot', () => {
    const shot = { startFrame: 0, endFrame: 48 }
    expect(lyricShotFits({ ...shot, captions: [{ startFrame: 0, endFrame: 40, text: 'We light the city up' }] })).toBe(true)
    expect(lyricShotFits({ ...shot, captions: [{ startFrame: 30, endFrame: 48, text: 'We light the city up' }] })).toBe(false)
    expect(lyricShotFits({ ...shot, captions: [{ startFrame: 0, endFrame: 48, text: 'one two three four five six seven eight nine ten eleven twelve thirteen' }] })).toBe(false)
    expect(lyricShotFits({ ...shot, captions: [] })).toBe(false)
  })
})
