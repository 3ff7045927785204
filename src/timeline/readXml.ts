/**
 * Reads the video cuts back from FCPXML (the sequence's spine: each primary item's offset and
 * duration, less the sequence's tcStart; connected items on other lanes are not cuts) and from
 * MLT XML (the tractor's first video track: playlist entries' in/out, blanks advance). Pure.
 */
import { mltTimeToFrame, reduce, type Rational } from './rate.js'
import type { TimelineCuts } from './model.js'
import { findAll, parseXml, type XmlElement } from './xml.js'

/** "1001/30000s", "2s", "0s" → an exact fraction of seconds. */
export function parseFcpTime(s: string | undefined, what: string): Rational {
  const m = /^(-?\d+)(?:\/(\d+))?s$/.exec(s ?? '')
  if (!m || m[2] === '0') throw new Error(`${what} is ${s === undefined ? 'missing' : `'${s}'`}, not a time like 1001/30000s`)
  return reduce({ num: Number(m[1]), den: Number(m[2] ?? 1) })
}

function framesAt(t: Rational, fps: Rational, what: string): number {
  const exact = (t.num * fps.num) / (t.den * fps.den)
  const f = Math.round(exact)
  if (Math.abs(exact - f) > 1e-3) throw new Error(`${what} falls between frames (${exact.toFixed(3)})`)
  return f
}

const SPINE_ITEMS = new Set(['asset-clip', 'clip', 'ref-clip', 'sync-clip', 'mc-clip', 'video', 'gap', 'title', 'audition'])

export function readFcpxmlText(text: string): TimelineCuts {
  const root = parse(text)
  if (root.name !== 'fcpxml') throw new Error(`the root element is <${root.name}>, not <fcpxml>`)
  const sequence = findAll(root, 'sequence')[0]
  if (!sequence) throw new Error('no <sequence>')
  const formats = new Map(findAll(root, 'format').map((f) => [f.attrs.id, f]))
  const format = formats.get(sequence.attrs.format ?? '')
  if (!format) throw new Error(`the sequence's format '${sequence.attrs.format ?? ''}' is not among the resources`)
  const frameDuration = parseFcpTime(format.attrs.frameDuration, `format ${format.attrs.id} frameDuration`)
  const fps = reduce({ num: frameDuration.den, den: frameDuration.num })
  const tcStart = sequence.attrs.tcStart ? parseFcpTime(sequence.attrs.tcStart, 'sequence tcStart') : { num: 0, den: 1 }
  const start = framesAt(tcStart, fps, 'sequence tcStart')
  const spine = sequence.children.find((c) => c.name === 'spine')
  if (!spine) throw new Error('the sequence has no <spine>')
  const sources = new Map(findAll(root, 'asset').map((a) => [a.attrs.id, a.children.find((c) => c.name === 'media-rep')?.attrs.src ?? a.attrs.src]))
  const clips: TimelineCuts['clips'] = []
  spine.children.forEach((el, i) => {
    if (!SPINE_ITEMS.has(el.name)) return
    const what = `spine item ${i + 1} <${el.name}${el.attrs.name ? ` name="${el.attrs.name}"` : ''}>`
    const from = framesAt(parseFcpTime(el.attrs.offset ?? '0s', `${what} offset`), fps, `${what} offset`) - start
    const frames = framesAt(parseFcpTime(el.attrs.duration, `${what} duration`), fps, `${what} duration`)
    if (frames <= 0) throw new Error(`${what} lasts ${frames} frames`)
    if (from < 0) throw new Error(`${what} starts before the sequence`)
    if (el.name === 'gap') return
    const source = el.attrs.ref ? sources.get(el.attrs.ref) : undefined
    clips.push({ name: el.attrs.name ?? `clip ${clips.length + 1}`, startFrame: from, endFrame: from + frames, ...(source ? { source } : {}) })
  })
  return { fps, clips }
}

export function readMltText(text: string): TimelineCuts {
  const root = parse(text)
  if (root.name !== 'mlt') throw new Error(`the root element is <${root.name}>, not <mlt>`)
  const profile = root.children.find((c) => c.name === 'profile')
  const num = Number(profile?.attrs.frame_rate_num)
  const den = Number(profile?.attrs.frame_rate_den)
  if (!(Number.isInteger(num) && num > 0 && Number.isInteger(den) && den > 0)) throw new Error('the <profile> has no whole frame_rate_num/frame_rate_den')
  const byId = new Map(root.children.filter((c) => c.attrs.id).map((c) => [c.attrs.id, c]))
  const tractors = root.children.filter((c) => c.name === 'tractor')
  const tractor = byId.get(root.attrs.producer ?? '')?.name === 'tractor' ? byId.get(root.attrs.producer!)! : tractors[tractors.length - 1]
  if (!tractor) throw new Error('no <tractor>')
  const track = tractor.children.find((t) => t.name === 'track' && t.attrs.hide !== 'video' && byId.get(t.attrs.producer ?? '')?.name === 'playlist')
  if (!track) throw new Error('the tractor has no video track of a playlist')
  const playlist = byId.get(track.attrs.producer!)!
  const fps = reduce({ num, den })
  const whole = (s: string | undefined, what: string): number => {
    try {
      return mltTimeToFrame(s ?? '', fps)
    } catch {
      throw new Error(`${what} is ${s === undefined ? 'missing' : `'${s}'`}, not a frame number or a time`)
    }
  }
  const clips: TimelineCuts['clips'] = []
  let at = 0
  playlist.children.forEach((el, i) => {
    // A blank's length counts frames (out - in + 1 has no meaning for it).
    if (el.name === 'blank') return void (at += whole(el.attrs.length, `playlist blank ${i + 1} length`))
    if (el.name !== 'entry') return
    const what = `playlist entry ${i + 1} (${el.attrs.producer ?? '?'})`
    const frames = whole(el.attrs.out, `${what} out`) - whole(el.attrs.in ?? '0', `${what} in`) + 1
    if (frames <= 0) throw new Error(`${what} lasts ${frames} frames`)
    const source = property(byId.get(el.attrs.producer ?? ''), 'resource')
    clips.push({ name: el.attrs.producer ?? `clip ${clips.length + 1}`, startFrame: at, endFrame: at + frames, ...(source ? { source } : {}) })
    at += frames
  })
  return { fps, clips }
}

function property(el: XmlElement | undefined, name: string): string | undefined {
  return el?.children.find((c) => c.name === 'property' && c.attrs.name === name)?.text.trim()
}

function parse(text: string): XmlElement {
  try {
    return parseXml(text)
  } catch (err) {
    throw new Error(`not well-formed XML: ${(err as Error).message}`)
  }
}
