import { timecode } from '../time.js'
import { writeFileAtomic } from '../util/files.js'
import { inlineImage, inlineThumbnail, type InlineImage } from './reportImages.js'
import { REPORT_CSP, REPORT_CSS, REPORT_JS } from './reportStyle.js'

export interface ReportAttempt {
  attempt: number
  score: number
  accepted: boolean
  critique: string
  checks: Record<string, number | boolean | null>
  cached: boolean
}

/** One VISTA round of a shot: who won among the candidates, how, the critique and the rewrite. */
export interface ReportRound {
  round: number
  candidates: number[]
  winner: number
  /** How each match was decided, e.g. "1 beat 0 (both orders)". */
  matches: string[]
  critique?: { visual: number; sync: number; fit: number; acceptable: boolean; summary: string }
  passed: boolean
  revisedBy?: string
  fallbacks: string[]
}

export interface ReportShot {
  index: number
  startFrame: number
  endFrame: number
  sectionLabel?: string
  camera: string
  framing: string
  prompt: string
  entities: string[]
  caption?: string
  /** Absolute PNG path. */
  keyframe?: string
  keptAttempt: number
  /** Which generator made the kept attempt. */
  generator?: string
  accepted: boolean
  score: number
  attempts: ReportAttempt[]
  rounds?: ReportRound[]
  /** After a reshoot: every take of the shot (`takes.json`), the one in the film marked. */
  takes?: ReportTake[]
  metrics?: {
    avAlign: number | null
    beatAlignment: number | null
    motion: number
    temporalConsistency: number
    flicker: number
    cutOnBeat: boolean | null
  }
}

export interface ReportTake {
  take: number
  seed: number
  prompt: string
  /** The take the film shows now. */
  current: boolean
  /** Absolute PNG path of its key frame. */
  keyframe?: string
}

export interface ReportData {
  title: string
  /** The video, relative to the report (it sits in the same folder): e.g. 'final.mp4'. */
  videoHref: string
  fps: number
  width: number
  height: number
  durationSec: number
  /** Absolute path. */
  storyboardPng?: string
  /** Absolute path (score.png: beats, sections, detected cuts, motion, per-shot scores). */
  timelinePng?: string
  /** Headline figures (AV-Align vs baseline, cuts on beat, …). */
  summary: Record<string, string | number | boolean | null>
  identity?: Array<{ id: string; kind: string; consistency: number; shots: number[]; method: string }>
  /** How the brief was followed: per character and place what is drawn and what is not, and the notes. */
  brief?: ReportBrief
  /** Flags, generator, agents, thresholds, versions. */
  settings: Record<string, unknown>
  shots: ReportShot[]
}

export interface ReportBrief {
  entities: Array<{ id: string; name: string; kind: 'character' | 'location'; description: string; features?: string[]; notDrawn?: string[] }>
  /** Each sentence of the brief's notes: applied (with what it did) or not (with why). */
  notes?: { applied: Array<{ note: string; effect: string }>; notApplied: Array<{ note: string; reason: string }> }
}

/** Width of the shot thumbnails embedded in the report (shown at 128 px, sharp on HiDPI screens). */
export const REPORT_THUMB_WIDTH = 320

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c])
}
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * The video link, percent-encoded per path segment. Only a relative path is accepted: the report
 * must make no request outside its own folder.
 */
export function videoSrc(href: string): string {
  if (href.trim() === '' || /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('/') || href.startsWith('\\'))
    throw new RangeError(`report videoHref must be a path relative to the report (got "${href}")`)
  return href.split('/').map(encodeURIComponent).join('/')
}

/** Writes one self-contained HTML file (atomically). */
export async function writeReport(data: ReportData, outPath: string): Promise<void> {
  const src = videoSrc(data.videoHref)
  const [storyboard, timeline, thumbs] = await Promise.all([
    data.storyboardPng ? inlineImage(data.storyboardPng) : undefined,
    data.timelinePng ? inlineImage(data.timelinePng) : undefined,
    mapLimit(data.shots, 4, (s) => (s.keyframe ? inlineThumbnail(s.keyframe, { width: REPORT_THUMB_WIDTH }) : undefined)),
  ])
  // A take whose key frame is gone (a cleaned store) shows without its picture.
  const takeThumbs = new Map<string, InlineImage | undefined>()
  for (const s of data.shots)
    for (const t of s.takes ?? [])
      if (t.keyframe && !takeThumbs.has(t.keyframe)) takeThumbs.set(t.keyframe, await inlineThumbnail(t.keyframe, { width: REPORT_THUMB_WIDTH }).catch(() => undefined))
  await writeFileAtomic(outPath, reportHtml(data, { videoSrc: src, storyboard, timeline, thumbs, takeThumbs }))
}

interface Assets {
  videoSrc: string
  storyboard?: InlineImage
  timeline?: InlineImage
  /** One per shot, in `data.shots` order. */
  thumbs: Array<InlineImage | undefined>
  /** Takes' key frames by path. */
  takeThumbs?: Map<string, InlineImage | undefined>
}

/** The page itself: pure, so it can be checked without touching the disk. */
export function reportHtml(data: ReportData, assets: Assets): string {
  const e = escapeHtml
  const n = data.shots.length
  const accepted = data.shots.filter((s) => s.accepted).length
  const attempts = data.shots.reduce((a, s) => a + s.attempts.length, 0)
  const meta = [
    `${fmtNum(data.durationSec, 2)} s`,
    `${data.width}×${data.height} @ ${fmtNum(data.fps, 3)} fps`,
    `${n} shot${n === 1 ? '' : 's'}`,
    `${accepted}/${n} accepted`,
    `${attempts} attempt${attempts === 1 ? '' : 's'}`,
  ].join(' · ')
  const out: string[] = []
  out.push(
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${e(REPORT_CSP)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="longav">',
    // An empty icon: without it a browser serving the page over HTTP asks for /favicon.ico.
    '<link rel="icon" href="data:,">',
    `<title>${e(data.title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    '<header class="top">',
    `<h1 id="title">${e(data.title)}</h1>`,
    `<p class="meta">${e(meta)}</p>`,
    '<nav class="toc"><a href="#video-section">Video</a><a href="#brief">Brief</a><a href="#timeline">Timeline</a><a href="#storyboard">Storyboard</a>' +
      '<a href="#shots">Shots</a><a href="#identity">Identity</a><a href="#settings">Settings</a></nav>',
    summaryCards(data.summary),
    '</header>',
    '<main>',
    '<section id="video-section">',
    '<h2>Video</h2>',
    '<div class="player">',
    // The video is the one thing not embedded: base64 of a 10–100 MB film would make this file
    // unusably slow to open, so it is linked relatively and must stay beside the report.
    `<video id="video" controls preload="metadata" playsinline src="${e(assets.videoSrc)}" width="${data.width}" height="${data.height}"></video>`,
    `<p id="video-note" class="note" hidden>The video could not be played here: <code>${e(data.videoHref)}</code> must sit in the same folder as this report, and the browser must play H.264 + AAC.</p>`,
    '</div>',
    '</section>',
    briefSection(data.brief),
    imageSection('timeline', 'Timeline', assets.timeline, 'Timeline: beats, sections, detected cuts, motion and per-shot scores',
      'Beats, sections, detected cuts, motion and per-shot scores.'),
    imageSection('storyboard', 'Storyboard', assets.storyboard, 'Storyboard: one frame per shot', 'One frame per shot with its index and time code.'),
    shotsSection(data, assets.thumbs, assets.takeThumbs),
    identitySection(data.identity),
    settingsSection(data.settings),
    '<footer>Written by longav. Everything but the video is embedded in this file; the video is linked as ' +
      `<code>${e(data.videoHref)}</code> beside it.</footer>`,
    '</main>',
    `<script>${REPORT_JS}</script>`,
    '</body>',
    '</html>',
    '',
  )
  return out.join('\n')
}

function summaryCards(summary: Record<string, string | number | boolean | null>): string {
  const entries = Object.entries(summary)
  if (entries.length === 0) return ''
  const cards = entries.map(([k, v]) => `<div class="card"><div class="k">${escapeHtml(k)}</div><div class="v">${fmtValue(v)}</div></div>`)
  return `<div class="cards" id="summary">${cards.join('')}</div>`
}

function imageSection(id: string, heading: string, img: InlineImage | undefined, alt: string, caption: string): string {
  const body = img
    ? `<figure><img id="${id}-img" src="${img.uri}" width="${img.width}" height="${img.height}" alt="${escapeHtml(alt)}">` +
      `<figcaption>${escapeHtml(caption)}</figcaption></figure>`
    : '<p class="empty">Not available for this run.</p>'
  return `<section id="${id}"><h2>${heading}</h2>${body}</section>`
}

const SHOT_HEAD = ['#', 'Keyframe', 'Time', 'Section', 'Camera', 'Entities', 'Score', 'Kept / all', 'Status', 'AV-Align', 'Beat', 'Motion', 'Temporal', 'Flicker', 'Cut on beat']

function shotsSection(data: ReportData, thumbs: Array<InlineImage | undefined>, takeThumbs?: Map<string, InlineImage | undefined>): string {
  if (data.shots.length === 0) return '<section id="shots"><h2>Shots</h2><p class="empty">No shots.</p></section>'
  const head = `<div class="row head">${SHOT_HEAD.map((h) => `<span>${h}</span>`).join('')}</div>`
  const rows = data.shots.map((s, k) => shotRow(s, thumbs[k], data.fps, takeThumbs))
  return `<section id="shots"><h2>Shots</h2><p class="small">Click a shot to jump the video to it and show its attempts.</p>` +
    `<div class="scroll"><div class="shots">${head}${rows.join('\n')}</div></div></section>`
}

function shotRow(s: ReportShot, thumb: InlineImage | undefined, fps: number, takeThumbs?: Map<string, InlineImage | undefined>): string {
  const e = escapeHtml
  const startSec = s.startFrame / fps
  const endSec = s.endFrame / fps
  const m = s.metrics
  const img = thumb
    ? `<img class="thumb" src="${thumb.uri}" width="${thumb.width}" height="${thumb.height}" alt="Shot ${s.index} keyframe">`
    : '<span class="nothumb">no keyframe</span>'
  const cells = [
    `<span class="idx">${s.index}</span>`,
    img,
    `<span>${fmtNum(startSec, 2)}–${fmtNum(endSec, 2)} s<br><span class="small">${timecode(s.startFrame, fps)} · frames ${s.startFrame}–${s.endFrame} (${s.endFrame - s.startFrame})</span></span>`,
    `<span>${s.sectionLabel ? e(s.sectionLabel) : '—'}</span>`,
    `<span>${e(s.camera)}<br><span class="small">${e(s.framing)}</span></span>`,
    `<span>${s.entities.length ? s.entities.map((x) => `<span class="chip">${e(x)}</span>`).join('') : '—'}</span>`,
    `<span>${fmtNum(s.score, 3)}${scoreMeter(s.score)}</span>`,
    `<span>${s.keptAttempt} / ${s.attempts.length}</span>`,
    `<span>${s.accepted ? '<span class="badge ok">accepted</span>' : '<span class="badge bad">rejected</span>'}</span>`,
    `<span>${m ? fmtValue(m.avAlign) : '—'}</span>`,
    `<span>${m ? fmtValue(m.beatAlignment) : '—'}</span>`,
    `<span>${m ? fmtNum(m.motion, 2) : '—'}</span>`,
    `<span>${m ? fmtNum(m.temporalConsistency, 3) : '—'}</span>`,
    `<span>${m ? fmtNum(m.flicker, 3) : '—'}</span>`,
    `<span>${m ? fmtValue(m.cutOnBeat) : '—'}</span>`,
  ]
  return (
    `<details class="shot" id="shot-${s.index}" data-index="${s.index}" data-start="${startSec}" data-end="${endSec}">` +
    `<summary class="row">${cells.join('')}</summary>` +
    `<div class="detail">${takesStrip(s, thumb, takeThumbs)}${shotDetail(s)}</div></details>`
  )
}

/** A reshot shot's takes side by side, the one in the film marked; `--take N=K` picks one back. */
function takesStrip(s: ReportShot, current: InlineImage | undefined, thumbs?: Map<string, InlineImage | undefined>): string {
  if (!s.takes || s.takes.length < 2) return ''
  const e = escapeHtml
  // The prompt only where takes differ in it: otherwise the seed is what tells them apart.
  const prompts = new Set(s.takes.map((t) => t.prompt)).size > 1
  const cells = s.takes.map((t) => {
    const img = t.current ? current : t.keyframe ? thumbs?.get(t.keyframe) : undefined
    const pic = img ? `<img class="thumb" src="${img.uri}" width="${img.width}" height="${img.height}" alt="Shot ${s.index} take ${t.take}">` : '<span class="nothumb">no key frame</span>'
    return `<figure class="take${t.current ? ' kept' : ''}">${pic}<figcaption>take ${t.take}${t.current ? ' (in the film)' : ''}<br><span class="small">seed ${t.seed}${prompts ? ` · ${e(t.prompt)}` : ''}</span></figcaption></figure>`
  })
  return `<div class="takes"><p><span class="label">Takes</span> <span class="small">(pick one with <code>longav reshoot OUT --take ${s.index}=K</code>)</span></p><div class="takes-row">${cells.join('')}</div></div>`
}

function shotDetail(s: ReportShot): string {
  const e = escapeHtml
  const parts = [`<p><span class="label">Prompt:</span> ${e(s.prompt)}</p>`]
  if (s.generator) parts.push(`<p><span class="label">Made by:</span> ${e(s.generator)}</p>`)
  if (s.caption) parts.push(`<p><span class="label">Caption:</span> ${e(s.caption)}</p>`)
  if (s.attempts.length === 0) {
    parts.push('<p class="empty">No attempts recorded.</p>')
    return parts.join('')
  }
  const rows = s.attempts.map((a) => {
    const checks = Object.entries(a.checks)
      .map(([k, v]) => `<span class="chip">${e(k)}: ${fmtValue(v)}</span>`)
      .join('')
    const status = (a.accepted ? '<span class="badge ok">accepted</span>' : '<span class="badge bad">rejected</span>') +
      (a.cached ? ' <span class="badge cached">cached</span>' : '')
    const kept = a.attempt === s.keptAttempt
    return `<tr class="attempt${kept ? ' kept' : ''}" data-attempt="${a.attempt}"><td class="num">${a.attempt}${kept ? ' (kept)' : ''}</td>` +
      `<td class="num">${fmtNum(a.score, 3)}</td><td>${status}</td><td>${checks || '—'}</td><td class="critique">${a.critique ? e(a.critique) : '—'}</td></tr>`
  })
  parts.push(
    '<table class="attempts"><thead><tr><th>Attempt</th><th>Score</th><th>Verdict</th><th>Checks</th><th>Critique</th></tr></thead>' +
      `<tbody>${rows.join('')}</tbody></table>`,
  )
  if (s.rounds?.some((r) => r.candidates.length > 1 || r.critique)) parts.push(roundsList(s.rounds))
  return parts.join('')
}

function roundsList(rounds: ReportRound[]): string {
  const e = escapeHtml
  const items = rounds.map((r) => {
    const c = r.critique
    return (
      `<li class="round" data-round="${r.round}"><span class="label">Round ${r.round + 1}:</span> attempt ${r.winner} won among ${r.candidates.join(', ')}` +
      (r.matches.length ? ` (${r.matches.map(e).join('; ')})` : '') +
      (r.passed ? ' <span class="badge ok">passed</span>' : '') +
      (c ? `<br><span class="small">critique: visual ${fmtNum(c.visual, 0)}/10, sync ${fmtNum(c.sync, 0)}/10, fit ${fmtNum(c.fit, 0)}/10${c.acceptable ? ', acceptable' : ''}: ${e(c.summary)}</span>` : '') +
      (r.revisedBy ? `<br><span class="small">revised by ${e(r.revisedBy)}</span>` : '') +
      (r.fallbacks.length ? `<br><span class="small">model not used for: ${e(r.fallbacks.join('; '))}</span>` : '') +
      '</li>'
    )
  })
  return `<ul class="rounds">${items.join('')}</ul>`
}

function identitySection(identity: ReportData['identity']): string {
  const e = escapeHtml
  if (!identity || identity.length === 0)
    return '<section id="identity"><h2>Identity consistency</h2><p class="empty">No identity measurements for this run.</p></section>'
  const rows = identity.map(
    (r) =>
      `<tr><td>${e(r.id)}</td><td>${e(r.kind)}</td><td class="num">${fmtNum(r.consistency, 3)}${scoreMeter(r.consistency)}</td>` +
      `<td>${r.shots.map((k) => `<a href="#shot-${k}">${k}</a>`).join(', ') || '—'}</td><td>${e(r.method)}</td></tr>`,
  )
  return (
    '<section id="identity"><h2>Identity consistency</h2><table class="identity"><thead><tr><th>Entity</th><th>Kind</th>' +
    `<th>Consistency</th><th>Shots</th><th>Method</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`
  )
}

/** Per entity what is drawn and what is not ("not drawn: …"), then the notes not applied and applied. */
function briefSection(brief: ReportBrief | undefined): string {
  const e = escapeHtml
  if (!brief) return '<section id="brief"><h2>Brief</h2><p class="empty">Not recorded for this run.</p></section>'
  const chips = (xs: string[] | undefined, cls: string) => (xs?.length ? xs.map((x) => `<span class="chip ${cls}">${e(x)}</span>`).join('') : '—')
  const rows = brief.entities.map(
    (x) =>
      `<tr data-entity="${e(x.id)}"><td><b>${e(x.name)}</b><br><span class="small">${x.kind === 'character' ? 'character' : 'place'}</span></td>` +
      `<td class="desc">${e(x.description)}</td><td>${x.features ? chips(x.features, 'drawn') : '<span class="small">not recorded</span>'}</td>` +
      `<td class="not-drawn">${x.notDrawn?.length ? `<span class="label">not drawn:</span> ${chips(x.notDrawn, 'missing')}` : x.notDrawn ? '<span class="yes">everything described is drawn</span>' : '<span class="small">not recorded</span>'}</td></tr>`,
  )
  const parts = [
    '<section id="brief"><h2>Brief</h2><h3>Characters and places</h3>',
    '<table class="entities"><thead><tr><th>Entity</th><th>Description</th><th>Drawn</th><th>Not drawn</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table>`,
  ]
  const n = brief.notes
  if (n && (n.applied.length || n.notApplied.length)) {
    parts.push(`<h3 id="notes-not-applied">Notes not applied (${n.notApplied.length})</h3>`)
    parts.push(n.notApplied.length ? `<ul class="notes bad">${n.notApplied.map((x) => `<li><q>${e(x.note)}</q><br><span class="small">${e(x.reason)}</span></li>`).join('')}</ul>` : '<p class="yes">Every note was applied.</p>')
    parts.push(`<h3 id="notes-applied">Notes applied (${n.applied.length})</h3>`)
    parts.push(n.applied.length ? `<ul class="notes ok">${n.applied.map((x) => `<li><q>${e(x.note)}</q><br><span class="small">${e(x.effect)}</span></li>`).join('')}</ul>` : '<p class="empty">None.</p>')
  } else {
    parts.push('<h3>Notes</h3><p class="empty">The brief has no notes.</p>')
  }
  parts.push('</section>')
  return parts.join('')
}

function settingsSection(settings: Record<string, unknown>): string {
  const rows = flattenSettings(settings)
  const body = rows.length
    ? `<table class="kv"><tbody>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>`
    : '<p class="empty">No settings recorded.</p>'
  return `<section id="settings"><h2>Settings</h2>${body}</section>`
}

/**
 * Settings as dotted key/value rows (`generator.name`, `thresholds.minScore`, `agents[0].model`):
 * arrays of plain values stay on one row; cycles, functions and symbols cannot break the page.
 */
export function flattenSettings(value: Record<string, unknown>): Array<[string, string]> {
  const out: Array<[string, string]> = []
  const seen = new Set<object>()
  const walk = (v: unknown, key: string): void => {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return
    if (v === null || typeof v !== 'object') return void out.push([key, String(v)])
    if (v instanceof Date) return void out.push([key, Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString()])
    if (seen.has(v)) return void out.push([key, '[circular]'])
    seen.add(v)
    if (Array.isArray(v)) {
      if (v.every((x) => x === null || typeof x !== 'object')) out.push([key, v.length ? v.map(String).join(', ') : '[]'])
      else v.forEach((x, i) => walk(x, `${key}[${i}]`))
    } else {
      const entries = Object.entries(v as Record<string, unknown>)
      if (entries.length === 0 && key) out.push([key, '{}'])
      for (const [k, x] of entries) walk(x, key ? `${key}.${k}` : k)
    }
    seen.delete(v)
  }
  walk(value, '')
  return out
}

function scoreMeter(v: number): string {
  if (!Number.isFinite(v)) return ''
  return `<meter min="0" max="1" low="0.5" high="0.75" optimum="1" value="${Math.max(0, Math.min(1, v))}"></meter>`
}

/** A figure as escaped HTML: booleans as ✓/✗, null as a dash, numbers to at most `digits` decimals. */
function fmtValue(v: string | number | boolean | null): string {
  if (v === null) return '—'
  if (typeof v === 'boolean') return v ? '<span class="yes">✓ yes</span>' : '<span class="no">✗ no</span>'
  if (typeof v === 'number') return fmtNum(v, 3)
  return escapeHtml(v)
}

function fmtNum(v: number, digits: number): string {
  if (!Number.isFinite(v)) return String(v)
  if (Number.isInteger(v)) return String(v)
  return String(Number(v.toFixed(digits)))
}

/** Maps with at most `limit` calls in flight (decoding 100 keyframes at once would spike memory). */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R> | R): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const k = next++
      out[k] = await fn(items[k])
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}
