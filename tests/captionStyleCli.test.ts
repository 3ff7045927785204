/** The brief's captionStyle through the built CLI: a wrong value exits 2 naming the field; a right one reaches plan.json. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { longav } from './helpers/cli.js'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'

let dir: string
let song: SongFixture
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-caption-style-'))
  song = await makeSongFixture({ seconds: 8, dir, format: 'wav' })
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const brief = (name: string, style: string) => {
  const p = join(dir, name)
  writeFileSync(p, `---\ntitle: Night Drive\nconcept: two friends drive through a city at night\nlyrics: |\n  [00:01.00] We light the city up\n${style}---\n`)
  return p
}

describe('captionStyle on the command line', () => {
  it('a wrong value is refused with exit 2 and a message naming the field', () => {
    const r = longav(['plan', song.path, brief('bad.md', 'captionStyle: { position: side, weight: heavy }\n'), '--out', join(dir, 'o-bad'), '--no-llm'], dir)
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(/bad\.md: captionStyle\.position: expected one of bottom, top, center \(got "side"\)/)
    expect(r.stderr).toMatch(/bad\.md: captionStyle\.weight: expected one of normal, bold \(got "heavy"\)/)
    expect(r.stderr).not.toMatch(/^\s+at /m)
  })

  it('a right one is in plan.json, defaults filled in, with every caption piece knowing its whole line', () => {
    const out = join(dir, 'o-good')
    const r = longav(['plan', song.path, brief('good.md', 'captionStyle: { box: band, size: 1.2 }\n'), '--out', out, '--size', '320x180', '--fps', '12', '--no-llm'], dir)
    expect(r.code, r.stderr).toBe(0)
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'))
    expect(plan.captionStyle).toEqual({ weight: 'bold', position: 'bottom', box: 'band', size: 1.2 })
    const pieces = plan.shots.flatMap((s: { captions: unknown[] }) => s.captions)
    expect(pieces.length).toBeGreaterThan(0)
    for (const p of pieces) expect(p).toMatchObject({ text: 'We light the city up', lineStartFrame: 12 })
  })
})
