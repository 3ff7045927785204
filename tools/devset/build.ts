import { createHash } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { readMidi } from '../eval/midiRead.js'
import { generatedPieces } from './generators.js'
import { listFiles, midiBytes, sourceDir, SourceUnavailable, writeAtomic } from './locate.js'
import { DEVSET_VERSION, devsetDir, manifestPath, type DevsetItem, type DevsetManifest } from './manifest.js'
import { planPiece, type Piece, type PlanOptions, type PlannedExcerpt } from './plan.js'
import { PROCESSING, renderExcerpts, soundfontPath, SOUNDFONTS } from './render.js'
import { sharedComposerSets, SOURCES, type Split } from './sources.js'
import { summarize } from './summary.js'
import { vetMidi } from './vet.js'

/**
 * Builds the development set: finds the sources, vets each piece's grid, plans excerpts,
 * renders what is not cached and writes the manifest. `node build/tools/devset/build.js`
 * [--split dev|test] [--no-fetch] [--no-generated] [--dry-run] [--fonts N] prints progress and the set's make-up.
 */

export interface BuildDevsetOptions {
  dir?: string
  splits?: Split[]
  /** Fetch missing source packages with apt-get download (never in tests). Default true. */
  fetch?: boolean
  generated?: boolean
  /** Keep only some planned excerpts (before rendering): the CI subset of the test split. */
  select?: (p: PlannedExcerpt, index: number) => boolean
  /** Soundfonts per human piece in the dev split (default PLAN.dev's). */
  devFonts?: number
  /** Plan only: no rendering, no manifest (audio paths left empty). */
  dryRun?: boolean
  /** Write the manifest (default true; a subset build for a test writes none). */
  write?: boolean
  onProgress?: (msg: string) => void
  signal?: AbortSignal
}

export const PLAN: Record<Split, PlanOptions> = {
  dev: { maxSec: 120, firstOnly: false, fontsPerPiece: 2, processing: Object.keys(PROCESSING) },
  test: { maxSec: 75, firstOnly: true, fontsPerPiece: 1, processing: Object.keys(PROCESSING) },
}

interface Candidate {
  piece: Piece
  midi: Buffer
}

async function humanPieces(splits: Split[], cacheRoot: string, fetch: boolean, log: (m: string) => void, dropped: DevsetManifest['dropped']): Promise<Candidate[]> {
  const out: Candidate[] = []
  // The same tune shipped twice (an ABC file and a collection holding it) is one piece.
  const seen = new Map<string, string>()
  for (const spec of SOURCES.filter((s) => splits.includes(s.split))) {
    let dir: string
    try {
      dir = await sourceDir(spec, cacheRoot, fetch)
    } catch (err) {
      if (!(err instanceof SourceUnavailable)) throw err
      log(`source unavailable: ${err.message}`)
      continue
    }
    const { files, skipped } = listFiles(spec, dir)
    for (const s of skipped) dropped.push({ source: spec.id, name: s.name, reason: `skipped: ${s.reason}` })
    let kept = 0
    for (const f of files) {
      let midi: Buffer
      try {
        midi = await midiBytes(f, cacheRoot)
      } catch (err) {
        if (err instanceof SourceUnavailable) {
          log(`source unavailable: ${err.message}`)
          break
        }
        dropped.push({ source: spec.id, name: f.name, reason: `conversion failed: ${(err as Error).message.split('\n')[0].slice(0, 160)}` })
        continue
      }
      const hash = createHash('sha256').update(midi).digest('hex')
      const first = seen.get(hash)
      if (first) {
        dropped.push({ source: spec.id, name: f.name, reason: `duplicate of ${first}` })
        continue
      }
      seen.set(hash, `${spec.id}/${f.name}`)
      let vetted
      try {
        vetted = vetMidi(readMidi(midi))
      } catch (err) {
        dropped.push({ source: spec.id, name: f.name, reason: `unreadable MIDI: ${(err as Error).message}` })
        continue
      }
      if (!vetted.ok) {
        dropped.push({ source: spec.id, name: f.name, reason: vetted.reason })
        continue
      }
      kept++
      out.push({ midi, piece: { key: `${spec.id}/${f.name}`, source: spec.id, composerSet: spec.composer(f.path), split: spec.split, truth: vetted.truth } })
    }
    log(`${spec.id} (${spec.pkg}, ${spec.split}): ${kept} of ${files.length} pieces kept`)
  }
  return out
}

function manifestOf(items: DevsetItem[], dropped: DevsetManifest['dropped']): DevsetManifest {
  return { version: DEVSET_VERSION, createdAt: new Date().toISOString(), items: [...items], dropped: [...dropped] }
}

export async function buildDevset(opts: BuildDevsetOptions = {}): Promise<DevsetManifest> {
  const dir = opts.dir ?? devsetDir()
  const splits = opts.splits ?? ['dev', 'test']
  const log = opts.onProgress ?? (() => {})
  const cacheRoot = join(dir, 'cache')
  await mkdir(cacheRoot, { recursive: true })
  const dropped: DevsetManifest['dropped'] = []
  const cands = await humanPieces(splits, cacheRoot, opts.fetch ?? true, log, dropped)
  if (opts.generated ?? true) {
    const gen = generatedPieces().filter((g) => splits.includes(g.piece.split))
    cands.push(...gen)
    log(`generated: ${gen.length} pieces`)
  }
  const fonts = new Map<Split, Array<{ id: string; path: string }>>()
  for (const split of splits) {
    const avail = SOUNDFONTS.filter((s) => s.split === split).flatMap((s) => {
      const path = soundfontPath(s)
      if (!path) log(`soundfont unavailable: ${s.id} (apt-get install ${s.pkg})`)
      return path ? [{ id: s.id, path }] : []
    })
    if (!avail.length) throw new SourceUnavailable(`no soundfont for the ${split} split: apt-get install ${SOUNDFONTS.filter((s) => s.split === split).map((s) => s.pkg).join(' ')}`)
    fonts.set(split, avail)
  }

  const items: DevsetItem[] = []
  let index = 0
  let rendered = 0
  const t0 = Date.now()
  for (const [n, c] of cands.entries()) {
    const fs = fonts.get(c.piece.split)!
    // Generated pieces get one soundfont each: the human pieces carry the set's volume.
    const base = c.piece.split === 'dev' && opts.devFonts ? { ...PLAN.dev, fontsPerPiece: opts.devFonts } : PLAN[c.piece.split]
    const plan = c.piece.source === 'generated' ? { ...base, fontsPerPiece: 1 } : base
    const planned = planPiece(c.piece, fs.map((f) => f.id), plan).filter((p) => !opts.select || opts.select(p, index++))
    for (const f of fs) {
      const mine = planned.filter((p) => p.soundfont === f.id)
      if (!mine.length) continue
      let r: { paths: string[]; rendered: number }
      try {
        r = opts.dryRun ? { paths: mine.map(() => ''), rendered: 0 } : await renderExcerpts(c.midi, f.path, mine, join(dir, 'audio'), opts.signal)
      } catch (err) {
        if (opts.signal?.aborted) throw err
        // A file the synthesizer will not play (fluidsynth renders nothing from a few) is a drop, not a stop.
        dropped.push({ source: c.piece.source, name: c.piece.key, reason: `render failed with ${f.id}: ${(err as Error).message.split('\n')[0].slice(0, 160)}` })
        log(`render failed: ${c.piece.key} with ${f.id}: ${(err as Error).message.split('\n')[0]}`)
        continue
      }
      rendered += r.rendered
      mine.forEach((p, i) => items.push({ ...p.item, audioPath: r.paths[i] }))
    }
    // The manifest so far, every 20 pieces: a long first build is usable before it ends.
    if (n % 20 === 19 && (opts.write ?? true) && !opts.dryRun) await writeAtomic(manifestPath(dir), JSON.stringify(manifestOf(items, dropped)))
    if (planned.length) log(`[${n + 1}/${cands.length}] ${c.piece.key}: ${planned.length} excerpts (${rendered} rendered so far, ${((Date.now() - t0) / 1000).toFixed(0)} s)`)
  }
  const shared = sharedComposerSets(items)
  if (shared.length) throw new Error(`composer sets in both splits: ${shared.join(', ')}`)
  const manifest = manifestOf(items, dropped)
  if ((opts.write ?? true) && !opts.dryRun) await writeAtomic(manifestPath(dir), JSON.stringify(manifest))
  return manifest
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const split = args.includes('--split') ? (args[args.indexOf('--split') + 1] as Split) : undefined
  const t0 = Date.now()
  const m = await buildDevset({
    splits: split ? [split] : undefined,
    fetch: !args.includes('--no-fetch'),
    generated: !args.includes('--no-generated'),
    dryRun: args.includes('--dry-run'),
    devFonts: args.includes('--fonts') ? Number(args[args.indexOf('--fonts') + 1]) : undefined,
    onProgress: (msg) => process.stderr.write(msg + '\n'),
  })
  process.stdout.write(`${manifestPath()}\n${summarize(m)}\nbuilt in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    process.stderr.write(`devset build failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exit(1)
  })
}
