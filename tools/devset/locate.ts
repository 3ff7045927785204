import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { runBinary } from '../../src/ffmpeg/index.js'
import type { SourceSpec } from './sources.js'

/**
 * Finds a source's files (installed, or unpacked from its Debian package fetched with
 * `apt-get download` when allowed) and turns each into MIDI bytes: MIDI as is, ABC tunes through
 * abc2midi (one file per tune), MuseScore scores through musescore3's exporter. Conversions are
 * cached under the content hash of the input. Side effects.
 */

export interface SourceFile {
  source: SourceSpec
  /** Stable name within the source: file stem, plus the tune number for ABC. */
  name: string
  path: string
  /** ABC tune number (X:) when the file holds several. */
  tune?: number
}

export class SourceUnavailable extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SourceUnavailable'
  }
}

/** The folder holding the source's files, or why there is none. */
export async function sourceDir(spec: SourceSpec, cacheRoot: string, fetch: boolean): Promise<string> {
  if (existsSync(spec.dir)) return spec.dir
  const unpacked = join(cacheRoot, 'pkgs', spec.pkg)
  if (existsSync(join(unpacked, spec.dir))) return join(unpacked, spec.dir)
  if (!fetch) throw new SourceUnavailable(`${spec.id}: ${spec.dir} missing (apt-get install ${spec.pkg})`)
  const debs = join(cacheRoot, 'debs')
  await mkdir(debs, { recursive: true })
  try {
    // apt-get download writes into the working directory: run it there, by package name only.
    await runInDir('apt-get', ['download', spec.pkg], debs)
  } catch (err) {
    throw new SourceUnavailable(`${spec.id}: apt-get download ${spec.pkg} failed: ${(err as Error).message.split('\n')[0]}`)
  }
  const deb = readdirSync(debs).find((f) => f.startsWith(`${spec.pkg}_`) && f.endsWith('.deb'))
  if (!deb) throw new SourceUnavailable(`${spec.id}: no .deb for ${spec.pkg} after download`)
  const tmp = `${unpacked}.${process.pid}.tmp`
  await rm(tmp, { recursive: true, force: true })
  await mkdir(tmp, { recursive: true })
  await runBinary('dpkg-deb', ['-x', join(debs, deb), tmp])
  await rm(unpacked, { recursive: true, force: true })
  await rename(tmp, unpacked)
  if (!existsSync(join(unpacked, spec.dir))) throw new SourceUnavailable(`${spec.id}: ${spec.pkg} has no ${spec.dir}`)
  return join(unpacked, spec.dir)
}

function runInDir(bin: string, args: string[], cwd: string): Promise<void> {
  return import('node:child_process').then(
    ({ execFile }) =>
      new Promise<void>((resolve, reject) => {
        execFile(bin, args, { cwd }, (err, _out, stderr) => (err ? reject(new Error(`${bin} ${args.join(' ')}: ${stderr || err.message}`)) : resolve()))
      }),
  )
}

function walk(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...walk(p))
    else if (e.isFile() || e.isSymbolicLink()) out.push(p)
  }
  return out.sort()
}

/** Tune numbers (X: fields) of an ABC file, in order. */
export function abcTunes(text: string): number[] {
  return [...text.matchAll(/^X:\s*(\d+)/gm)].map((m) => Number(m[1]))
}

/** The source's files (ABC files expanded to one entry per tune), minus the listed skips. */
export function listFiles(spec: SourceSpec, dir: string): { files: SourceFile[]; skipped: Array<{ name: string; reason: string }> } {
  const files: SourceFile[] = []
  const skipped: Array<{ name: string; reason: string }> = []
  for (const path of walk(dir)) {
    const file = basename(path)
    if (!spec.match.test(file)) continue
    if (spec.skip?.[file]) {
      skipped.push({ name: file, reason: spec.skip[file] })
      continue
    }
    const stem = path.slice(dir.length + 1).replace(/\.(mid|kar|midi)(\.gz)?$|\.msc[zx]$|\.abc$/i, '').replace(/[^A-Za-z0-9_-]+/g, '-')
    if (spec.kind === 'abc') {
      const tunes = abcTunes(readFileSync(path, 'latin1'))
      for (const x of new Set(tunes)) files.push({ source: spec, name: `${stem}-x${x}`, path, tune: x })
    } else files.push({ source: spec, name: stem, path })
  }
  return { files, skipped }
}

/** MIDI bytes of a source file (converted and cached as needed). */
export async function midiBytes(f: SourceFile, cacheRoot: string): Promise<Buffer> {
  const raw = await readFile(f.path)
  if (f.source.kind === 'midi') return f.path.endsWith('.gz') ? gunzipSync(raw) : raw
  const key = createHash('sha256').update(raw).update(`${f.source.kind}:${f.tune ?? ''}:1`).digest('hex').slice(0, 20)
  const dir = join(cacheRoot, 'converted')
  const out = join(dir, `${key}.mid`)
  if (existsSync(out) && statSync(out).size > 0) return readFile(out)
  await mkdir(dir, { recursive: true })
  const tmp = join(dir, `.${key}.${process.pid}.mid`)
  try {
    if (f.source.kind === 'abc') await runBinary('abc2midi', [f.path, String(f.tune), '-o', tmp, '-quiet', '-silent'])
    else await musescoreExport(f.path, tmp)
    if (!existsSync(tmp) || statSync(tmp).size === 0) throw new SourceUnavailable(`${f.source.id}/${f.name}: conversion wrote nothing`)
    await rename(tmp, out)
  } catch (err) {
    await rm(tmp, { force: true })
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new SourceUnavailable(`${f.source.id}: converter missing (apt-get install ${f.source.kind === 'abc' ? 'abcmidi' : 'musescore3'})`)
    throw err
  }
  return readFile(out)
}

async function musescoreExport(input: string, out: string): Promise<void> {
  const { execFile } = await import('node:child_process')
  await new Promise<void>((resolve, reject) => {
    // musescore3 needs a display: the offscreen platform plugin renders without one.
    execFile('musescore3', ['-o', out, input], { env: { ...process.env, QT_QPA_PLATFORM: 'offscreen' }, timeout: 120_000 }, (err, _o, stderr) =>
      err ? reject(Object.assign(new Error(`musescore3 failed on ${input}: ${String(stderr).slice(-400) || err.message}`), { code: (err as NodeJS.ErrnoException).code })) : resolve(),
    )
  })
}

/** Writes bytes atomically (temp name, then rename). */
export async function writeAtomic(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, data)
  await rename(tmp, path)
}
