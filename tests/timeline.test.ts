import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { exitCodeOf, InputError } from '../src/errors.js'
import {
  buildTimeline,
  cutsOf,
  fcpTime,
  parseFcpTime,
  placeMedia,
  rationalFps,
  readTimeline,
  smpteTimecode,
  timecodeToFrame,
  writeEdl,
  writeFcpxml,
  writeMlt,
  writeOtio,
  type Rational,
  type Timeline,
} from '../src/timeline/index.js'
import { findAll, parseXml } from '../src/timeline/xml.js'

const NTSC30: Rational = { num: 30000, den: 1001 }
const NTSC24: Rational = { num: 24000, den: 1001 }
const NTSC60: Rational = { num: 60000, den: 1001 }

/** A timeline of shots cut at the given frames, with sections and downbeats, at a rate. */
function timelineAt(fps: Rational, cuts: number[], total: number): Timeline {
  const edges = [0, ...cuts, total]
  const shots = edges.slice(0, -1).map((start, index) => ({ index, startFrame: start, endFrame: edges[index + 1] }))
  const sec = fps.den / fps.num
  return buildTimeline({
    title: 'Night & "Day" <take 2>',
    plan: { fps: Math.round(fps.num / fps.den), width: 160, height: 90, totalFrames: total, shots: shots as never },
    analysis: {
      sections: [
        { index: 0, label: 'intro', start: 0, end: 100 * sec, energy: 0.3, confidence: 1 },
        { index: 1, label: 'chorus', start: 100 * sec, end: total * sec, energy: 1, confidence: 1 },
      ],
      downbeats: [0, 48 * sec, 96 * sec],
    },
    songSource: 'segments/song.mp3',
    fps,
  })
}

describe('rates and timecode', () => {
  it('holds the NTSC rates as fractions, not decimals', () => {
    expect(rationalFps(30)).toEqual({ num: 30, den: 1 })
    expect(rationalFps(29.97)).toEqual(NTSC30)
    expect(rationalFps(30000 / 1001)).toEqual(NTSC30)
    expect(rationalFps(23.976)).toEqual(NTSC24)
    expect(rationalFps(59.94)).toEqual(NTSC60)
    expect(rationalFps(25)).toEqual({ num: 25, den: 1 })
    expect(rationalFps(24)).toEqual({ num: 24, den: 1 })
    expect(rationalFps(60)).toEqual({ num: 60, den: 1 })
  })

  it('drop-frame timecode at 29.97 skips ;00 and ;01 each minute but every tenth (worked by hand)', () => {
    const df = (f: number) => smpteTimecode(f, NTSC30)
    expect(df(0)).toBe('00:00:00;00')
    expect(df(1799)).toBe('00:00:59;29')
    // Frame 1800 is the first of minute 1: labels ;00 and ;01 do not exist there.
    expect(df(1800)).toBe('00:01:00;02')
    expect(df(3597)).toBe('00:01:59;29')
    expect(df(3598)).toBe('00:02:00;02')
    // 10 minutes = 17982 frames (18000 - 9 × 2): minute 10 keeps ;00.
    expect(df(17982)).toBe('00:10:00;00')
    expect(df(18000)).toBe('00:10:00;18')
    // One hour of 29.97 is 107892 frames and reads 01:00:00;00 (the reason drop frame exists).
    expect(df(107892)).toBe('01:00:00;00')
  })

  it('59.94 drops four labels a minute; 23.976, 25 and 30 are non-drop', () => {
    expect(smpteTimecode(3600, NTSC60)).toBe('00:01:00;04')
    expect(smpteTimecode(35964, NTSC60)).toBe('00:10:00;00')
    expect(smpteTimecode(86400, NTSC24)).toBe('01:00:00:00')
    expect(smpteTimecode(1800, { num: 30, den: 1 })).toBe('00:01:00:00')
    expect(smpteTimecode(1499, { num: 25, den: 1 })).toBe('00:00:59:24')
  })

  it('reads timecode back to the frame, drop frame included', () => {
    expect(timecodeToFrame('00:01:00;02', NTSC30)).toBe(1800)
    expect(timecodeToFrame('00:02:00;02', NTSC30)).toBe(3598)
    expect(timecodeToFrame('00:10:00;00', NTSC30)).toBe(17982)
    expect(timecodeToFrame('01:00:00;00', NTSC30)).toBe(107892)
    expect(timecodeToFrame('00:01:00;04', NTSC60)).toBe(3600)
    expect(timecodeToFrame('01:00:00:00', NTSC24)).toBe(86400)
    for (const fps of [NTSC30, NTSC60, NTSC24, { num: 25, den: 1 }]) {
      for (let f = 0; f < 40000; f += 7) expect(timecodeToFrame(smpteTimecode(f, fps), fps)).toBe(f)
    }
    expect(() => timecodeToFrame('00:00:00;30', NTSC30)).toThrow(/not a timecode at 30000\/1001/)
  })

  it('FCPXML times are exact fractions of seconds', () => {
    expect(fcpTime(0, NTSC30)).toBe('0s')
    expect(fcpTime(1, NTSC30)).toBe('1001/30000s')
    expect(fcpTime(30, NTSC30)).toBe('1001/1000s')
    expect(fcpTime(60, { num: 30, den: 1 })).toBe('2s')
    expect(fcpTime(5, { num: 30, den: 1 })).toBe('1/6s')
  })
})

describe('CMX 3600 EDL', () => {
  it('writes drop-frame events at 29.97 with reels and exclusive out points (worked by hand)', () => {
    const edl = writeEdl(timelineAt(NTSC30, [1800, 17982], 18000)).split('\n')
    expect(edl[0]).toBe('TITLE: Night & "Day" <take 2>')
    expect(edl[1]).toBe('FCM: DROP FRAME')
    const events = edl.filter((l) => /^\d{3} /.test(l))
    expect(events).toEqual([
      '001  SHOT01   V     C        00:00:00;00 00:01:00;02 00:00:00;00 00:01:00;02',
      // 16182 frames = 539.94 s: 8 whole minutes dropped 16 labels → 16198 → 00:08:59;28.
      '002  SHOT02   V     C        00:00:00;00 00:08:59;28 00:01:00;02 00:10:00;00',
      '003  SHOT03   V     C        00:00:00;00 00:00:00;18 00:10:00;00 00:10:00;18',
      '004  SONG     AA    C        00:00:00;00 00:10:00;18 00:00:00;00 00:10:00;18',
    ])
    // The source in column 30, as CMX 3600 lays out its fields.
    expect(events[0].indexOf('00:00:00;00')).toBe(29)
    expect(edl).toContain('* SOURCE FILE: segments/shot-02.mp4')
  })

  it('writes non-drop timecode at 30 and 23.976', () => {
    const at30 = writeEdl(timelineAt({ num: 30, den: 1 }, [45], 90))
    expect(at30).toContain('FCM: NON-DROP FRAME')
    expect(at30).toContain('002  SHOT02   V     C        00:00:00:00 00:00:01:15 00:00:01:15 00:00:03:00')
    const at24 = writeEdl(timelineAt(NTSC24, [36], 72))
    expect(at24).toContain('FCM: NON-DROP FRAME')
    expect(at24).toContain('002  SHOT02   V     C        00:00:00:00 00:00:01:12 00:00:01:12 00:00:03:00')
  })
})

describe('FCPXML 1.10', () => {
  const t = timelineAt(NTSC30, [47, 120], 200)
  const doc = parseXml(writeFcpxml(t))

  it('has the attributes Final Cut and Resolve require', () => {
    expect(doc.name).toBe('fcpxml')
    expect(doc.attrs.version).toBe('1.10')
    const format = findAll(doc, 'format')[0]
    expect(format.attrs).toMatchObject({ id: 'r1', frameDuration: '1001/30000s', width: '160', height: '90' })
    const ids = new Set(findAll(doc, 'asset').map((a) => a.attrs.id))
    for (const asset of findAll(doc, 'asset')) {
      expect(asset.attrs.duration).toMatch(/^\d+(\/\d+)?s$/)
      expect(asset.attrs.start).toBe('0s')
      const rep = asset.children.find((c) => c.name === 'media-rep')
      expect(rep?.attrs.kind).toBe('original-media')
      // Relative: the folder can move.
      expect(rep?.attrs.src).toMatch(/^segments\/[\w.-]+$/)
    }
    const sequence = findAll(doc, 'sequence')[0]
    expect(sequence.attrs).toMatchObject({ format: 'r1', tcFormat: 'DF', tcStart: '0s', duration: fcpTime(200, NTSC30) })
    const spine = findAll(doc, 'spine')[0].children.filter((c) => c.name === 'asset-clip')
    expect(spine.map((c) => [c.attrs.offset, c.attrs.duration])).toEqual([
      ['0s', '47047/30000s'],
      ['47047/30000s', '73073/30000s'],
      ['1001/250s', '1001/375s'],
    ])
    for (const clip of findAll(doc, 'asset-clip')) expect(ids.has(clip.attrs.ref)).toBe(true)
    // The song: connected below the first shot, the markers on it in its own (= timeline) time.
    const song = spine[0].children.find((c) => c.name === 'asset-clip')!
    expect(song.attrs).toMatchObject({ lane: '-1', offset: '0s', duration: fcpTime(200, NTSC30) })
    const markers = song.children.filter((c) => c.name === 'marker')
    expect(markers.map((m) => [m.attrs.start, m.attrs.value])).toContainEqual([fcpTime(100, NTSC30), 'chorus'])
    expect(markers.map((m) => m.attrs.value)).toEqual(['intro', 'bar 1', 'bar 2', 'bar 3', 'chorus'])
  })

  it('escapes the title', () => {
    expect(findAll(doc, 'project')[0].attrs.name).toBe('Night & "Day" <take 2>')
  })
})

describe('OTIO', () => {
  it('writes Clip.2 with external references and a rational rate, markers for sections and downbeats', () => {
    const otio = JSON.parse(writeOtio(timelineAt(NTSC24, [30], 80)))
    expect(otio.OTIO_SCHEMA).toBe('Timeline.1')
    const [video, audio] = otio.tracks.children
    expect([video.kind, audio.kind]).toEqual(['Video', 'Audio'])
    expect(video.children[1].OTIO_SCHEMA).toBe('Clip.2')
    expect(video.children[1].source_range.duration).toEqual({ OTIO_SCHEMA: 'RationalTime.1', rate: 24000 / 1001, value: 50 })
    expect(video.children[1].media_references.DEFAULT_MEDIA).toMatchObject({ OTIO_SCHEMA: 'ExternalReference.1', target_url: 'segments/shot-02.mp4' })
    expect(audio.children[0].media_references.DEFAULT_MEDIA.target_url).toBe('segments/song.mp3')
    const markers = otio.tracks.markers as Array<{ name: string; marked_range: { start_time: { value: number } }; metadata: { longav: { kind: string } } }>
    expect(markers.map((m) => [m.name, m.marked_range.start_time.value, m.metadata.longav.kind])).toEqual([
      ['intro', 0, 'section'],
      ['bar 1', 0, 'downbeat'],
      ['bar 2', 48, 'downbeat'],
    ])
  })
})

describe('readTimeline: what a writer wrote reads back as the same cuts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'longav-timeline-'))
  const rates: Array<[string, Rational]> = [
    ['30', { num: 30, den: 1 }],
    ['29.97', NTSC30],
    ['23.976', NTSC24],
    ['59.94', NTSC60],
    ['25', { num: 25, den: 1 }],
  ]
  for (const [label, fps] of rates) {
    it(`at ${label} fps, from .otio, .fcpxml and .mlt`, async () => {
      const t = timelineAt(fps, [37, 96, 241], 300)
      const want = cutsOf(t)
      for (const [ext, text] of [['otio', writeOtio(t)], ['fcpxml', writeFcpxml(t)], ['mlt', writeMlt(t)]] as const) {
        const path = join(dir, `t-${label}.${ext}`)
        writeFileSync(path, text)
        const got = await readTimeline(path)
        expect(got.fps, ext).toEqual(fps)
        expect(got.clips.map((c) => [c.startFrame, c.endFrame]), ext).toEqual(want.clips.map((c) => [c.startFrame, c.endFrame]))
        expect(got.clips.map((c) => c.source), ext).toEqual(want.clips.map((c) => c.source))
      }
    })
  }

  it('a cut moved in an editor reads back moved (OTIO durations, FCPXML offsets with a tcStart of one hour)', async () => {
    const t = timelineAt(NTSC30, [60, 150], 240)
    const otio = JSON.parse(writeOtio(t))
    otio.tracks.children[0].children[0].source_range.duration.value = 72
    otio.tracks.children[0].children[1].source_range.duration.value = 78
    writeFileSync(join(dir, 'moved.otio'), JSON.stringify(otio))
    expect((await readTimeline(join(dir, 'moved.otio'))).clips.map((c) => c.startFrame)).toEqual([0, 72, 150])
    // Resolve writes sequences that start at 01:00:00:00: offsets count from tcStart.
    const hour = 107892
    const shift = (off: string) => {
      const t = parseFcpTime(off, 'offset')
      return fcpTime(hour + Math.round((t.num * NTSC30.num) / (t.den * NTSC30.den)), NTSC30)
    }
    const fcp = writeFcpxml(t)
      .replace('tcStart="0s"', `tcStart="${fcpTime(hour, NTSC30)}"`)
      .replace(/offset="([^"]+)" name="(shot-\d+)"/g, (_m, off: string, name: string) => `offset="${shift(off)}" name="${name}"`)
    writeFileSync(join(dir, 'hour.fcpxml'), fcp)
    expect((await readTimeline(join(dir, 'hour.fcpxml'))).clips.map((c) => [c.startFrame, c.endFrame])).toEqual([
      [0, 60],
      [60, 150],
      [150, 240],
    ])
  })

  it('an MLT saved with clock times (as Shotcut saves it) reads as the same frames at 29.97', async () => {
    const t = timelineAt(NTSC30, [37, 96, 241], 300)
    const clock = (f: number) => {
      const ms = Math.round((f * 1001) / 30)
      return `00:${String(Math.floor(ms / 60000)).padStart(2, '0')}:${String(Math.floor((ms % 60000) / 1000)).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`
    }
    const text = writeMlt(t).replace(/<entry producer="(shot-\d+)" in="(\d+)" out="(\d+)"/g, (_m, p: string, i: string, o: string) => `<entry producer="${p}" in="${clock(Number(i))}" out="${clock(Number(o))}"`)
    expect(text).toContain('out="00:00:01.201"')
    writeFileSync(join(dir, 'clock.mlt'), text)
    expect((await readTimeline(join(dir, 'clock.mlt'))).clips.map((c) => [c.startFrame, c.endFrame])).toEqual(cutsOf(t).clips.map((c) => [c.startFrame, c.endFrame]))
  })

  it('a malformed file is an input error (exit 2) naming the file and what is wrong', async () => {
    const t = timelineAt({ num: 30, den: 1 }, [40], 90)
    const cases: Array<[string, string, RegExp]> = [
      ['broken.otio', writeOtio(t).slice(0, 200), /broken\.otio: not JSON/],
      ['notimeline.otio', JSON.stringify({ OTIO_SCHEMA: 'Clip.2' }), /notimeline\.otio: not an OTIO timeline: OTIO_SCHEMA/],
      ['decimal.fcpxml', writeFcpxml(t).replace('duration="5/3s" format', 'duration="1.5s" format'), /decimal\.fcpxml: spine item 2 <asset-clip name="shot-02"> duration is '1\.5s', not a time/],
      ['between.fcpxml', writeFcpxml(t).replace('duration="5/3s" format', 'duration="1/7s" format'), /between\.fcpxml: .*shot-02.* duration falls between frames/],
      ['unclosed.fcpxml', writeFcpxml(t).replace('</spine>', ''), /unclosed\.fcpxml: not well-formed XML/],
      ['noformat.mlt', writeMlt(t).replace(/frame_rate_num="\d+"/, ''), /noformat\.mlt: the <profile> has no whole frame_rate_num/],
      ['badtime.mlt', writeMlt(t).replace(/(<entry producer="shot-02" in="0" out=)"\d+"/, '$1"soon"'), /badtime\.mlt: playlist entry \d+ \(shot-02\) out is 'soon', not a frame number or a time/],
      ['song.mp3', 'ID3', /song\.mp3: not a timeline longav reads/],
    ]
    for (const [name, text, message] of cases) {
      writeFileSync(join(dir, name), text)
      const err = await readTimeline(join(dir, name)).catch((e: unknown) => e)
      expect(err, name).toBeInstanceOf(InputError)
      expect((err as Error).message, name).toMatch(message)
      expect(exitCodeOf(err)).toBe(2)
    }
    const missing = await readTimeline(join(dir, 'absent.otio')).catch((e: unknown) => e)
    expect((missing as Error).message).toMatch(/absent\.otio: cannot read it \(ENOENT\)/)
  })
})

describe('placeMedia', () => {
  it('hard-links the segments, copies the song, and removes only its own stale media', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'longav-media-'))
    const store = join(dir, 'store')
    mkdirSync(store)
    const seg = (n: number) => join(store, `seg-${n}.mp4`)
    for (const n of [0, 1]) writeFileSync(seg(n), `segment ${n}`)
    writeFileSync(join(dir, 'song.mp3'), 'song')
    const out = join(dir, 'out')
    mkdirSync(join(out, 'segments'), { recursive: true })
    // What an earlier render of three shots left, and a file of the user's.
    for (const name of ['shot-03.mp4', 'song.wav', 'notes.txt']) writeFileSync(join(out, 'segments', name), 'old')
    await placeMedia(out, [{ name: 'shot-01', path: seg(0) }, { name: 'shot-02', path: seg(1) }], { path: join(dir, 'song.mp3'), name: 'song.mp3' })
    expect(readdirSync(join(out, 'segments')).sort()).toEqual(['notes.txt', 'shot-01.mp4', 'shot-02.mp4', 'song.mp3'])
    expect(statSync(join(out, 'segments', 'shot-02.mp4')).ino).toBe(statSync(seg(1)).ino)
    expect(statSync(join(out, 'segments', 'song.mp3')).ino).not.toBe(statSync(join(dir, 'song.mp3')).ino)
    expect(existsSync(join(out, 'segments', 'shot-03.mp4'))).toBe(false)
  })
})
