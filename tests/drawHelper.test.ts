/**
 * The procedural generator's optional second drawing thread (setDrawHelper): every other frame of
 * a shot is drawn there, and the film must be the same, frame for frame, as one drawn on one
 * thread — for a shot of its own and for one that continues from the previous shot's last frame.
 * The helper's thread runs the compiled `frameWorker.js`, so this test loads the built `dist/`
 * (`npm test` builds first); the statistics prove the helper drew frames rather than falling back.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { mika, shotRequest } from './helpers/shotFixtures.js'
import { frameMd5s } from './helpers/video.js'

type Procedural = typeof import('../src/render/generators/procedural/index.js')
const built = path.join(import.meta.dirname, '..', 'dist', 'render', 'generators', 'procedural', 'index.js')

const tmp = mkdtempSync(path.join(os.tmpdir(), 'longav-draw-helper-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const size = { frames: 40, fps: 24, width: 320, height: 180, characters: [mika] }
const caption = (start: number) => [{ startFrame: start + 8, endFrame: start + 30, text: 'city lights' }]

/** Two shots, the second continuing from the first's last frame; their frames' MD5s. */
async function film(p: Procedural, name: string): Promise<string[]> {
  const ctx = { signal: new AbortController().signal, onProgress: () => {} }
  const first = shotRequest({ ...size, dir: tmp, name: `${name}-a`, shot: { startFrame: 0, captions: caption(0) } })
  await p.generateProcedural(first, ctx)
  const second = shotRequest({ ...size, dir: tmp, name: `${name}-b`, shot: { index: 1, startFrame: 40, continuesPrevious: true, camera: 'pan-left', captions: caption(40) }, initKeyframe: first.out.lastFrame })
  await p.generateProcedural(second, ctx)
  return [...frameMd5s(first.out.video), ...frameMd5s(second.out.video)]
}

describe('the second drawing thread', () => {
  it('draws every other frame and makes the same film as one thread', async () => {
    const p = (await import(pathToFileURL(built).href)) as Procedural
    const alone = await film(p, 'one-thread')
    expect(p.proceduralFrameStats().framesHelper).toBe(0)
    p.setDrawHelper(true)
    try {
      const shared = await film(p, 'two-threads')
      // Each 40-frame shot keeps its stills (frames 0, 20, 39) at home: its other 19 odd frames are the helper's.
      expect(p.proceduralFrameStats().framesHelper).toBe(38)
      expect(shared).toEqual(alone)
    } finally {
      p.setDrawHelper(false)
    }
  }, 60_000)
})
