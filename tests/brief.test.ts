import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { BriefError, briefTemplate, loadBrief, parseBrief, parseLyricsText } from '../src/brief/index.js'
import { Brief, DEFAULT_OUTPUT, TIMES_OF_DAY, WORLDS } from '../src/schemas/brief.js'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'longav-brief-'))
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }))

const BASE = '/briefs/demo'
const MINIMAL = 'title: T\nconcept: C\n'

/** brief.md text from front-matter YAML and an optional body. */
function md(yaml: string, body = ''): string {
  return `---\n${yaml}---\n${body}`
}

function parse(text: string): Brief {
  return parseBrief(text, { baseDir: BASE })
}

/** The BriefError a call throws (fails the test when nothing or something else is thrown). */
function errorOf(fn: () => unknown): BriefError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(BriefError)
    return e as BriefError
  }
  throw new Error('expected a BriefError, nothing was thrown')
}

async function asyncErrorOf(p: Promise<unknown>): Promise<BriefError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(BriefError)
    return e as BriefError
  }
  throw new Error('expected a BriefError, nothing was thrown')
}

function dir(name: string): string {
  const d = path.join(tmpRoot, name)
  fs.mkdirSync(d, { recursive: true })
  return d
}

describe('example brief', () => {
  it('loads into the expected brief', async () => {
    const brief = await loadBrief(path.join(repo, 'examples/brief.md'))
    expect(brief.title).toBe('Neon Tide')
    expect(brief.baseDir).toBe(path.join(repo, 'examples'))
    expect(brief.output).toEqual({ width: 1280, height: 720, fps: 30 })
    expect(brief.assets).toEqual([])
    expect(brief.characters.map((c) => c.name)).toEqual(['Mara', 'Jun'])
    expect(brief.characters[0].description).toMatch(/red scarf/)
    expect(brief.characters[1].description).toMatch(/yellow .*jacket/)
    expect(brief.characters[1].description).toMatch(/headphones/)
    expect(brief.locations.map((l) => [l.name, l.world, l.timeOfDay, l.sections])).toEqual([
      ['Rooftop', 'skyline', 'night', ['verse']],
      ['Neon Grid', 'neon-grid', 'night', ['chorus']],
      ['Shoreline', 'shoreline', 'dawn', ['intro', 'outro']],
    ])
    // Every lyric is timed, sorted, and inside a verse (8-24, 40-56) or chorus (24-40, 56-72).
    const times = brief.lyrics.map((l) => l.time ?? -1)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(times.every((t) => t >= 8 && t < 72)).toBe(true)
    expect(brief.lyrics).toContainEqual({ time: 56, text: 'Ride the neon tide' })
    expect(brief.lyrics.some((l) => l.text.includes('ti:'))).toBe(false)
    expect(brief.notes.startsWith('# Notes')).toBe(true)
    expect(Brief.parse(brief)).toEqual(brief)
  })
})

describe('template', () => {
  it('parses and documents the allowed values', () => {
    const text = briefTemplate()
    const brief = parseBrief(text, { baseDir: BASE })
    expect(brief.title).toBe('My Song')
    expect(brief.output).toEqual(DEFAULT_OUTPUT)
    expect(brief.lyrics.length).toBeGreaterThan(3)
    expect(brief.characters[0].locations).toEqual(['Street'])
    for (const w of WORLDS) expect(text).toContain(w)
    for (const t of TIMES_OF_DAY) expect(text).toContain(t)
  })
})

describe('parsing', () => {
  it('fills defaults and keeps the body as notes', () => {
    const brief = parse(md(MINIMAL, '\n\nSome *notes*.\n\n'))
    expect(brief).toEqual({
      title: 'T',
      concept: 'C',
      characters: [],
      locations: [],
      lyrics: [],
      assets: [],
      output: DEFAULT_OUTPUT,
      shots: [],
      notes: 'Some *notes*.',
      baseDir: BASE,
    })
  })

  it('reads the generator, its settings and per-shot overrides', () => {
    const brief = parse(
      md(
        `${MINIMAL}generator: onnx\nonnx: { model: sd-turbo, steps: 4, strength: 0.3 }\ncomfyui: { url: "http://127.0.0.1:8188", workflow: txt2img-batch }\n` +
          `shots:\n  - { sections: chorus, generator: footage }\n  - { from: 60, to: 75, generator: comfyui }\n  - { shots: [0, 3], generator: procedural }\n`,
      ),
    )
    expect(brief.generator).toBe('onnx')
    expect(brief.onnx).toEqual({ model: 'sd-turbo', steps: 4, strength: 0.3 })
    expect(brief.comfyui?.url).toBe('http://127.0.0.1:8188')
    expect(brief.shots).toEqual([
      { sections: ['chorus'], generator: 'footage' },
      { from: 60, to: 75, generator: 'comfyui' },
      { shots: [0, 3], generator: 'procedural' },
    ])
  })

  it('says what is wrong with a generator setting', () => {
    const fails = (extra: string) => {
      try {
        parse(md(`${MINIMAL}${extra}`))
      } catch (e) {
        return (e as Error).message
      }
      throw new Error(`accepted: ${extra}`)
    }
    expect(fails('generator: stable-diffusion\n')).toMatch(/generator/)
    expect(fails('onnx: { model: ../../etc }\n')).toMatch(/onnx\.model: .*folder name under models/)
    expect(fails('comfyui: { url: "file:///etc/passwd" }\n')).toMatch(/comfyui\.url/)
    expect(fails('shots:\n  - { generator: footage }\n')).toMatch(/say which shots/)
    expect(fails('shots:\n  - { from: 10, to: 5, generator: footage }\n')).toMatch(/to must be after from/)
    expect(fails('onnx: { modle: x }\n')).toMatch(/onnx/)
  })

  it('accepts CRLF line endings, a BOM and leading blank lines', () => {
    const brief = parse('\uFEFF\r\n---\r\ntitle: T\r\nconcept: C\r\n---\r\nbody\r\n')
    expect([brief.title, brief.notes]).toEqual(['T', 'body'])
  })

  it('reads output as a size string, with fps, or a partial mapping', () => {
    expect(parse(md(`${MINIMAL}output: 1920x1080\n`)).output).toEqual({ width: 1920, height: 1080, fps: 30 })
    expect(parse(md(`${MINIMAL}output: 1920x1080@24\n`)).output).toEqual({ width: 1920, height: 1080, fps: 24 })
    expect(parse(md(`${MINIMAL}output: { fps: 24 }\n`)).output).toEqual({ width: 1280, height: 720, fps: 24 })
    expect(parse(md(`${MINIMAL}output: { size: 640x360, fps: "25" }\n`)).output).toEqual({ width: 640, height: 360, fps: 25 })
    expect(parse(md(`${MINIMAL}output: { size: 640x360, captions: false }\n`)).output).toEqual({ width: 640, height: 360, fps: 30, captions: false })
    // The NTSC rates by their names, held exactly (a rounded 29.97 drifts a frame every 33 s).
    expect(parse(md(`${MINIMAL}output: 1920x1080@29.97\n`)).output).toEqual({ width: 1920, height: 1080, fps: 30000 / 1001 })
    expect(parse(md(`${MINIMAL}output: { fps: 23.976 }\n`)).output.fps).toBe(24000 / 1001)
    expect(parse(md(`${MINIMAL}output: { fps: "59.94" }\n`)).output.fps).toBe(60000 / 1001)
  })

  it('reads assets as bare paths or { path, tags }', () => {
    const brief = parse(md(`${MINIMAL}assets:\n  - ./clips/a.mp4\n  - { path: stills/b.png, tags: chorus }\n  - { path: c.png, tags: [x, y] }\n`))
    expect(brief.assets).toEqual([
      { path: 'clips/a.mp4', tags: [] },
      { path: 'stills/b.png', tags: ['chorus'] },
      { path: 'c.png', tags: ['x', 'y'] },
    ])
  })

  it('matches character locations ignoring case, and wraps single sections', () => {
    const brief = parse(
      md(`${MINIMAL}locations:\n  - { name: Neon Grid, description: d, sections: chorus }\ncharacters:\n  - { name: 1999, description: d, locations: [neon grid] }\n`),
    )
    expect(brief.characters[0]).toEqual({ name: '1999', description: 'd', locations: ['Neon Grid'] })
    expect(brief.locations[0].sections).toEqual(['chorus'])
  })
})

describe('lyrics', () => {
  it('parses LRC with metadata, several timestamps, offset and word timings', () => {
    const lines = parseLyricsText(
      ['[ar:Someone]', '[ti:Song]', '[length: 03:20]', '[00:12.50][01:02.5]Hello', '[00:05.00] First', '[00:20:25]<00:20.30>Word <00:21.00>by word', '[00:30.00]'].join('\n'),
    )
    expect(lines.issues).toEqual([])
    expect(lines.lines).toEqual([
      { time: 5, text: 'First' },
      { time: 12.5, text: 'Hello' },
      { time: 20.25, text: 'Word by word' },
      { time: 30, text: '' },
      { time: 62.5, text: 'Hello' },
    ])
    expect(parseLyricsText('[offset:+500]\n[00:10.00]x').lines).toEqual([{ time: 9.5, text: 'x' }])
  })

  it('parses plain lines without times and drops lyric-sheet labels', () => {
    const brief = parse(md(`${MINIMAL}lyrics: |\n  [Verse 1]\n  first line\n\n  second line\n`))
    expect(brief.lyrics).toEqual([{ text: 'first line' }, { text: 'second line' }])
  })

  it('reads a YAML list of { time, text }', () => {
    const brief = parse(md(`${MINIMAL}lyrics:\n  - { time: "0:12.5", text: b }\n  - { time: 3, text: a }\n  - { time: "1:01:02", text: c }\n`))
    expect(brief.lyrics).toEqual([
      { time: 3, text: 'a' },
      { time: 12.5, text: 'b' },
      { time: 3662, text: 'c' },
    ])
  })

  it('reports bad LRC timestamps with the line in brief.md', () => {
    const e = errorOf(() => parse(md(`${MINIMAL}lyrics: |\n  [00:01.00] ok\n  [00:75.00] bad seconds\n  [0l:02.00] typo\n`)))
    expect(e.message).toContain('brief.md: lyrics: line 2 (brief line 6): bad timestamp [00:75.00]: expected a timestamp like [01:23.45]')
    expect(e.message).toContain('line 3 (brief line 7): bad timestamp [0l:02.00]')
  })

  it('reports untimed lines among timed ones, and bad list times', () => {
    expect(errorOf(() => parse(md(`${MINIMAL}lyrics: |\n  [00:01.00] ok\n  forgot the time\n`))).message).toContain(
      'lyrics: line 2 (brief line 6): has no timestamp while other lines do',
    )
    expect(errorOf(() => parse(md(`${MINIMAL}lyrics: |\n  [00:01.00] ok\n  [xx:yy] not a tag\n`))).message).toContain(
      'lyrics: line 2 (brief line 6): has no timestamp while other lines do',
    )
    expect(errorOf(() => parse(md(`${MINIMAL}lyrics:\n  - { time: soon, text: a }\n`))).message).toContain(
      'brief.md: lyrics[0].time: expected seconds (12.5) or a time like "0:12.5" (got "soon")',
    )
  })
})

describe('mistakes get specific messages', () => {
  const cases: Array<[string, string, string]> = [
    ['empty file', '  \n\n', 'brief.md is empty'],
    ['no front matter', '# Just markdown\n', "brief.md has no front matter: start the file with a line '---', then YAML, then '---'"],
    ['unterminated front matter', '---\ntitle: T\n', "brief.md has unterminated front matter: the '---' on line 1 has no closing '---' line"],
    ['YAML syntax error', md('title: T\nconcept: [a, b\nstyle: x\n'), 'brief.md has a YAML syntax error on line 4: Flow sequence'],
    ['duplicate YAML key', md('title: T\ntitle: U\nconcept: C\n'), 'brief.md has a YAML syntax error on line 3: Map keys must be unique'],
    ['front matter a list', md('- title\n- concept\n'), 'brief.md has front matter that is not a mapping: expected keys like \'title: ...\' on their own lines (got a list of 2)'],
    ['front matter a scalar', md('just words\n'), 'brief.md has front matter that is not a mapping'],
    ['missing title', md('concept: C\n'), 'brief.md: title: missing: every brief needs a title; expected a non-empty string (got nothing)'],
    ['missing concept', md('title: T\n'), 'brief.md: concept: missing: every brief needs a concept; expected a non-empty string (got nothing)'],
    ['empty title', md('title: ""\nconcept: C\n'), 'brief.md: title: expected a non-empty string (got "")'],
    ['typo in a top-level key', md(`${MINIMAL}charaters: []\n`), 'brief.md: charaters: unknown key (did you mean "characters"?)'],
    ['unrelated top-level key', md(`${MINIMAL}banana: 1\n`), 'brief.md: banana: unknown key (known keys: title, artist, concept'],
    ['notes in front matter', md(`${MINIMAL}notes: x\n`), 'brief.md: notes: unknown key: write creative notes in the Markdown body'],
    ['typo in a character key', md(`${MINIMAL}characters:\n  - { name: A, description: d, pallete: ["#ffffff"] }\n`), 'brief.md: characters[0].pallete: unknown key (did you mean "palette"?)'],
    ['missing description', md(`${MINIMAL}characters:\n  - { name: A, description: d }\n  - { name: B }\n`), 'brief.md: characters[1].description: expected a non-empty string (got nothing)'],
    ['character not a mapping', md(`${MINIMAL}characters:\n  - Mara\n`), 'brief.md: characters[0]: expected a mapping with name and description (got "Mara")'],
    ['characters not a list', md(`${MINIMAL}characters: Mara\n`), 'brief.md: characters: expected a list of characters, each with a name and a description (got "Mara")'],
    ['bad world', md(`${MINIMAL}locations:\n  - { name: L, description: d, world: moon }\n`), `brief.md: locations[0].world: expected one of ${WORLDS.join(', ')} (got "moon")`],
    ['bad timeOfDay', md(`${MINIMAL}locations:\n  - { name: L, description: d, timeOfDay: noon }\n`), 'locations[0].timeOfDay: expected one of dawn, day, dusk, night (got "noon")'],
    ['bad colour', md(`${MINIMAL}locations:\n  - { name: L, description: d, palette: [red] }\n`), 'locations[0].palette[0]: expected a colour like "#1a2b3c" (got "red")'],
    ['too many colours', md(`${MINIMAL}locations:\n  - { name: L, description: d, palette: ["#000000","#000000","#000000","#000000","#000000","#000000","#000000"] }\n`), 'locations[0].palette: expected a list of 1 to 6 colours like "#1a2b3c" (got a list of 7)'],
    ['bad section ref', md(`${MINIMAL}locations:\n  - { name: L, description: d, sections: [-1] }\n`), 'locations[0].sections[0]: expected a section label ("chorus") or a 0-based section number (got -1)'],
    ['duplicate character', md(`${MINIMAL}characters:\n  - { name: Mara, description: d }\n  - { name: " mara", description: e }\n`), 'brief.md: characters[1].name: duplicate name "mara": characters[0] already has it'],
    ['duplicate location', md(`${MINIMAL}locations:\n  - { name: Roof, description: d }\n  - { name: Roof, description: e }\n`), 'brief.md: locations[1].name: duplicate name "Roof": locations[0] already has it'],
    ['unknown location near a known one', md(`${MINIMAL}locations:\n  - { name: Rooftop, description: d }\ncharacters:\n  - { name: A, description: d, locations: [Rooftp] }\n`), 'brief.md: characters[0].locations[0]: "Rooftp" is not a location in this brief (did you mean "Rooftop"?)'],
    ['unknown location, none close', md(`${MINIMAL}locations:\n  - { name: Rooftop, description: d }\ncharacters:\n  - { name: A, description: d, locations: [Mars] }\n`), '"Mars" is not a location in this brief (locations are: Rooftop)'],
    ['unknown location, no locations', md(`${MINIMAL}characters:\n  - { name: A, description: d, locations: [Mars] }\n`), '"Mars" is not a location in this brief (the brief has no locations)'],
    ['fps not a number', md(`${MINIMAL}output: { fps: fast }\n`), 'brief.md: output.fps: expected a whole number from 1 to 120, or 23.976, 29.97, 47.952 or 59.94 (got "fast")'],
    ['fps no render rate', md(`${MINIMAL}output: 1280x720@25.5\n`), 'brief.md: output.fps: expected a whole number from 1 to 120, or 23.976, 29.97, 47.952 or 59.94 (got 25.5)'],
    ['odd width', md(`${MINIMAL}output: 1281x720\n`), 'brief.md: output.width: expected an even integer between 64 and 7680 (got 1281)'],
    ['bad size string', md(`${MINIMAL}output: big\n`), 'brief.md: output: expected a size like "1920x1080"'],
    ['typo in output', md(`${MINIMAL}output: { fsp: 30 }\n`), 'brief.md: output.fsp: unknown key (did you mean "fps"?)'],
    ['lyrics a number', md(`${MINIMAL}lyrics: 3\n`), 'brief.md: lyrics: expected LRC text, plain lines, or a list of { time, text } (got 3)'],
    ['asset with ..', md(`${MINIMAL}assets: [../x.mp4]\n`), `brief.md: assets[0].path: '../x.mp4' is outside the brief's folder ${BASE}`],
    ['asset absolute', md(`${MINIMAL}assets:\n  - { path: /etc/passwd }\n`), `brief.md: assets[0].path: '/etc/passwd' is outside the brief's folder ${BASE}`],
    ['asset sneaking out midway', md(`${MINIMAL}assets: [clips/../../x.mp4]\n`), `assets[0].path: 'clips/../../x.mp4' is outside the brief's folder ${BASE}`],
    ['asset not a path', md(`${MINIMAL}assets: [3]\n`), 'brief.md: assets[0]: expected a path or a mapping { path, tags } (got 3)'],
  ]
  it.each(cases)('%s', (_name, text, expected) => {
    expect(errorOf(() => parse(text)).message).toContain(expected)
  })

  it('lists every problem at once, each with its field', () => {
    const e = errorOf(() => parse(md('title: T\noutput: { fps: 0 }\ncharaters: []\n')))
    expect(e.issues.map((i) => i.path).sort()).toEqual(['charaters', 'concept', 'output.fps'])
    expect(e.message.split('\n')).toHaveLength(3)
    expect(e.message.split('\n').every((l) => l.startsWith('brief.md: '))).toBe(true)
  })

  it('names the source it was given', () => {
    const e = errorOf(() => parseBrief(md('title: T\n'), { baseDir: BASE, sourceName: 'videos/one.md' }))
    expect(e.message).toBe('videos/one.md: concept: missing: every brief needs a concept; expected a non-empty string (got nothing)')
  })
})

describe('loadBrief on disk', () => {
  it('reports a missing file and a folder given instead of a file', async () => {
    const missing = path.join(tmpRoot, 'nope.md')
    expect((await asyncErrorOf(loadBrief(missing))).message).toBe(`${missing} not found (looked for ${missing})`)
    const folder = dir('a-folder')
    expect((await asyncErrorOf(loadBrief(folder))).message).toContain(`${folder} is a folder, not a brief file`)
  })

  it('accepts assets that exist inside the folder, including via an inner symlink', async () => {
    const d = dir('ok')
    fs.mkdirSync(path.join(d, 'clips'))
    fs.writeFileSync(path.join(d, 'clips', 'a.mp4'), 'x')
    fs.symlinkSync(path.join(d, 'clips', 'a.mp4'), path.join(d, 'link.mp4'))
    fs.writeFileSync(path.join(d, 'brief.md'), md(`${MINIMAL}assets: [clips/a.mp4, { path: link.mp4, tags: [x] }]\n`))
    const brief = await loadBrief(path.join(d, 'brief.md'))
    expect(brief.baseDir).toBe(d)
    expect(brief.assets).toEqual([
      { path: 'clips/a.mp4', tags: [] },
      { path: 'link.mp4', tags: ['x'] },
    ])
  })

  it('refuses missing assets, folders and symlinks that lead outside', async () => {
    const d = dir('bad')
    const outside = path.join(dir('elsewhere'), 'secret.mp4')
    fs.writeFileSync(outside, 'x')
    fs.symlinkSync(outside, path.join(d, 'sneaky.mp4'))
    fs.symlinkSync(path.dirname(outside), path.join(d, 'outdir'))
    fs.mkdirSync(path.join(d, 'clips'))
    const file = path.join(d, 'brief.md')
    fs.writeFileSync(file, md(`${MINIMAL}assets: [sneaky.mp4, outdir/secret.mp4, gone.mp4, clips]\n`))
    const e = await asyncErrorOf(loadBrief(file))
    expect(e.issues.map((i) => i.path)).toEqual(['assets[0].path', 'assets[1].path', 'assets[2].path', 'assets[3].path'])
    expect(e.message).toContain(`${file}: assets[0].path: 'sneaky.mp4' is outside the brief's folder ${d}`)
    expect(e.message).toContain(`assets[1].path: 'outdir/secret.mp4' is outside the brief's folder ${d}`)
    expect(e.message).toContain(`assets[2].path: file not found: 'gone.mp4' (looked for ${path.join(d, 'gone.mp4')})`)
    expect(e.message).toContain(`assets[3].path: 'clips' is not a file`)
  })
})
