import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { escapeHtml as e, videoSrc } from '../report/report.js'
import { inlineThumbnail, type InlineImage } from '../report/reportImages.js'
import { writeFileAtomic } from '../util/files.js'
import { GALLERY_CSP, GALLERY_CSS } from './galleryStyle.js'
import { barsLabel, bytesLabel, checksSummary, costLabel, fmtNum, formatLabel, lengthLabel, lengthSec, lufsLabel, variantFile } from './variantLabels.js'
import { mapLimit, representativeFrame } from './variantFrames.js'
import type { Manifest, ManifestEntry } from './types.js'

/** What the page knows about each variant's file on disk, in manifest order. */
export interface GalleryFile {
  /** The link, percent-encoded and relative to the batch folder (absent: no player). */
  href?: string
  bytes?: number
  /** Why an `ok` variant has no player (file missing, path outside the folder). */
  problem?: string
  /** The player's poster: the variant's frame at 40 % (frame 0 is often black under a fade-in). */
  poster?: InlineImage
}

export interface GalleryOptions {
  signal?: AbortSignal
  /** Embed a poster frame per player (default true; costs one ffmpeg frame decode per variant). */
  posters?: boolean
}

/** variants.html: every variant playable beside its checks; self-contained but for the videos it links. */
export async function writeGallery(manifest: Manifest, batchDir: string, out: string, opts: GalleryOptions = {}): Promise<void> {
  const files = await Promise.all(manifest.variants.map((v) => galleryFile(v, batchDir)))
  if (opts.posters ?? true) {
    const tmp = await mkdtemp(join(tmpdir(), 'longav-gallery-'))
    try {
      await mapLimit(manifest.variants, 2, async (v, k) => {
        if (!files[k].href) return
        const f = await representativeFrame(v, batchDir, join(tmp, `${k}.png`), opts.signal)
        // Sized for the 300-px player box on a HiDPI screen.
        if ('png' in f) files[k].poster = await inlineThumbnail(f.png, { width: Math.min(640, Math.round((600 * v.format.width) / v.format.height)) })
      })
    } finally {
      await rm(tmp, { recursive: true, force: true })
    }
  }
  await writeFileAtomic(out, galleryHtml(manifest, files))
}

async function galleryFile(v: ManifestEntry, batchDir: string): Promise<GalleryFile> {
  if (v.status === 'failed') return {}
  const f = variantFile(v, batchDir)
  if ('error' in f) return { problem: f.error }
  try {
    const s = await stat(f.abs)
    if (!s.isFile()) return { problem: `${f.rel} is not a file` }
    return { href: videoSrc(f.rel), bytes: s.size }
  } catch {
    return { problem: `${f.rel} is missing: it must sit in the variants folder beside this page` }
  }
}

/** Groups of one format, in the order formats first appear; inside one, longest first, then by name. */
export function groupVariants(variants: ManifestEntry[]): Array<{ key: string; label: string; items: number[] }> {
  const groups = new Map<string, { key: string; label: string; items: number[] }>()
  variants.forEach((v, k) => {
    const key = `${v.format.name}\u0000${v.format.width}x${v.format.height}`
    if (!groups.has(key)) groups.set(key, { key, label: formatLabel(v), items: [] })
    groups.get(key)!.items.push(k)
  })
  const len = (v: ManifestEntry) => (v.length === 'full' ? Infinity : (lengthSec(v) ?? 0))
  for (const g of groups.values())
    g.items.sort((a, b) => len(variants[b]) - len(variants[a]) || (variants[a].name < variants[b].name ? -1 : variants[a].name > variants[b].name ? 1 : a - b))
  return [...groups.values()]
}

/** The page: pure, so it can be checked without the disk. Every manifest string goes through escapeHtml. */
export function galleryHtml(m: Manifest, files: GalleryFile[]): string {
  const failed = m.variants.map((v, k) => [v, k] as const).filter(([v]) => v.status === 'failed')
  const allChecks = m.variants.filter((v) => checksSummary(v).allPassed).length
  // Sections per format help only when formats repeat; one card per section would waste the width.
  const byFormat = groupVariants(m.variants)
  const groups = byFormat.every((g) => g.items.length === 1) && byFormat.length > 1
    ? [{ key: 'all', label: 'Variants', items: byFormat.flatMap((g) => g.items) }]
    : byFormat
  const cards = [
    ['variants', String(m.variants.length)],
    ['made', String(m.variants.length - failed.length)],
    ['failed', String(failed.length)],
    ['all checks passed', `${allChecks}/${m.variants.length}`],
    ['total wall time', `${fmtNum(m.total.wallSec, 1)} s`],
    ['shots generated / reused', `${m.total.shotsGenerated} / ${m.total.shotsReused}`],
  ]
  const title = `Variants: ${basename(m.song)}`
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${e(GALLERY_CSP)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="longav">',
    '<link rel="icon" href="data:,">',
    `<title>${e(title)}</title>`,
    `<style>${GALLERY_CSS}</style>`,
    '</head>',
    '<body>',
    '<header class="top">',
    `<h1 id="title">${e(title)}</h1>`,
    `<p class="meta">song ${e(m.song)} · brief ${e(m.brief)} · variants ${e(m.variantsFile)}</p>`,
    `<div class="cards" id="summary">${cards.map(([k, v]) => `<div class="card"><div class="k">${e(k)}</div><div class="v">${e(v)}</div></div>`).join('')}</div>`,
    '</header>',
    '<main>',
    failed.length
      ? `<section id="failed"><h2>Failed (${failed.length})</h2><ul class="failed-list">` +
        failed.map(([v, k]) => `<li><a href="#v-${k}">${e(v.name)}</a>: <span class="no">${e(v.error ?? 'failed')}</span></li>`).join('') +
        '</ul></section>'
      : '',
    groups.length > 1 ? `<nav class="toc">${groups.map((g, i) => `<a href="#g-${i}">${e(g.label)}</a>`).join('')}</nav>` : '',
    ...groups.map(
      (g, i) =>
        `<section class="group" id="g-${i}"><h2>${e(g.label)} <span class="small">(${g.items.length})</span></h2>` +
        `<div class="variants">${g.items.map((k) => variantCard(m.variants[k], k, files[k] ?? {})).join('\n')}</div></section>`,
    ),
    m.variants.length === 0 ? '<p class="empty">No variants.</p>' : '',
    '<footer>Written by longav. The videos are linked from the <code>variants</code> folder beside this page; move the folder as a whole.</footer>',
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

function variantCard(v: ManifestEntry, k: number, f: GalleryFile): string {
  const c = checksSummary(v)
  const isFailed = v.status === 'failed'
  const badge = isFailed
    ? '<span class="badge bad">✗ failed</span>'
    : `<span class="badge ${c.allPassed ? 'ok' : 'bad'}">${c.allPassed ? '✓' : '✗'} ${c.passed}/${c.total} checks</span>`
  let body: string
  if (isFailed) body = `<p class="error"><strong>Failed:</strong> ${e(v.error ?? 'no reason recorded')}</p>`
  else if (f.href)
    body = `<div class="vbox"><video controls preload="metadata" playsinline src="${e(f.href)}"${f.poster ? ` poster="${f.poster.uri}"` : ''} width="${v.format.width}" height="${v.format.height}"></video></div>`
  else body = `<p class="error"><strong>No video:</strong> ${e(f.problem ?? 'no file')}</p>`
  const cls = isFailed ? 'failed' : c.allPassed && f.href ? 'ok' : 'warn'
  return (
    `<article class="variant ${cls}" id="v-${k}" data-status="${e(v.status)}">` +
    `<header class="vhead"><h3 class="vname">${e(v.name)}</h3>${badge}</header>` +
    body +
    `<table class="facts"><tbody>${facts(v, f).map(([h, d]) => `<tr><th>${h}</th><td>${d}</td></tr>`).join('')}</tbody></table>` +
    checksList(v) +
    '</article>'
  )
}

/** Label and already-escaped HTML for each fact row. */
function facts(v: ManifestEntry, f: GalleryFile): Array<[string, string]> {
  const s = v.format.safe
  const rows: Array<[string, string]> = [
    ['Format', `${e(formatLabel(v))}<br><span class="small">safe zone x ${fmtNum(s.x, 0)}–${fmtNum(s.x + s.width, 0)}, y ${fmtNum(s.y, 0)}–${fmtNum(s.y + s.height, 0)}</span>`],
    ['Length', `${e(lengthLabel(v))}${v.totalFrames > 0 ? ` <span class="small">(${v.totalFrames} frames @ ${v.fps} fps)</span>` : ''}`],
  ]
  const bars = barsLabel(v.pieces)
  if (bars) rows.push(['Music', e(bars)])
  if (v.loudness.targetLufs !== null || v.loudness.measuredLufs !== null)
    rows.push(['Loudness', `target ${e(lufsLabel(v.loudness.targetLufs))} · measured ${e(lufsLabel(v.loudness.measuredLufs))}`])
  const row = Object.entries(v.row ?? {})
  if (row.length) rows.push(['Data', row.map(([key, val]) => `<span class="chip">${e(key)}: ${e(val)}</span>`).join('')])
  const texts = v.texts.filter((t) => t.role !== 'caption')
  if (texts.length) rows.push(['Texts', texts.map((t) => `<span class="small">${e(t.role)}:</span> ${e(t.text)}`).join('<br>')])
  rows.push(['Cost', e(costLabel(v.cost))])
  if (f.href) {
    const sha = v.sha256 ? ` · sha256 <code title="${e(v.sha256)}">${e(v.sha256.slice(0, 12))}</code>` : ''
    rows.push(['File', `<a href="${e(f.href)}">${e(v.file ?? '')}</a> · ${f.bytes === undefined ? '?' : bytesLabel(f.bytes)}${sha}`])
  }
  return rows
}

function checksList(v: ManifestEntry): string {
  if (v.checks.length === 0) return v.status === 'failed' ? '' : '<p class="empty">No checks recorded.</p>'
  const items = v.checks.map(
    (c) =>
      `<li class="check ${c.passed ? 'pass' : 'fail'}"><span class="badge ${c.passed ? 'ok' : 'bad'}">${c.passed ? '✓ pass' : '✗ fail'}</span> ` +
      `<b>${e(c.name)}</b><span class="small">${e(c.detail)}</span></li>`,
  )
  return `<ul class="checks">${items.join('')}</ul>`
}
