/**
 * The content-addressed store every step reads and writes. A value lives under `kind/key`, the
 * key a hash of what made it (`stepKey`), so a step run twice costs one read and a killed render
 * resumes where it stopped. Values are validated with zod on read; a value that does not fit is
 * a miss. Writes are atomic (temp file + rename, temp folder + rename), so two processes, or two
 * machines on a shared folder, writing the same key never leave a torn value: the first whole
 * one stays.
 *
 * The interface is small on purpose: an object-store backend implements `get`/`put` as GET/PUT
 * of `kind/key.json` and `artifact` as "download the folder's files if present, else fill a
 * local temp folder and upload it"; nothing else in the pipeline touches the layout.
 */
import { existsSync } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { z } from 'zod'
import { hashValue, readJsonIfValid, writeJsonAtomic } from '../util/files.js'

export interface Store {
  /** Where the store keeps its files (a run folder's `.longav/store`, or a shared folder). */
  readonly root: string
  get<S extends z.ZodType>(kind: string, key: string, schema: S): Promise<z.infer<S> | undefined>
  put(kind: string, key: string, value: unknown): Promise<void>
  /**
   * The folder of files made for `kind/key`. When it does not exist yet, `fill` writes them into
   * a private temp folder (its argument), which then becomes the key's folder in one rename; if
   * another process got there first, its folder is kept and ours discarded. Returns the folder
   * and whether it had to be made.
   */
  artifact(kind: string, key: string, fill: (dir: string) => Promise<void>): Promise<{ dir: string; made: boolean }>
  /** The key's folder, whether or not it exists yet (for paths recorded inside it). */
  artifactDir(kind: string, key: string): string
}

/** The key of a step's output: a hash of the step's name, its version and everything it reads. */
export function stepKey(step: string, version: number, input: unknown): string {
  return hashValue({ step, v: version, input }).slice(0, 32)
}

const SAFE = /^[a-z][a-z0-9-]*$/

export function openStore(root: string): Store {
  // Parsed values of this process: the analysis is read by every shot, and parsed once.
  const memo = new Map<string, unknown>()
  const file = (kind: string, key: string) => join(root, check(kind), `${check(key)}.json`)
  const folder = (kind: string, key: string) => join(root, check(kind), check(key))
  return {
    root,
    async get(kind, key, schema) {
      const id = `${kind}/${key}`
      if (memo.has(id)) return memo.get(id) as z.infer<typeof schema>
      const value = await readJsonIfValid(file(kind, key), schema)
      if (value !== undefined) memo.set(id, value)
      return value
    },
    async put(kind, key, value) {
      await writeJsonAtomic(file(kind, key), value)
      memo.set(`${kind}/${key}`, value)
    },
    artifactDir: folder,
    async artifact(kind, key, fill) {
      const dir = folder(kind, key)
      if (existsSync(dir)) return { dir, made: false }
      const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`
      await mkdir(tmp, { recursive: true })
      try {
        await fill(tmp)
        await rename(tmp, dir)
        return { dir, made: true }
      } catch (err) {
        await rm(tmp, { recursive: true, force: true })
        // Someone else's whole folder landed first: theirs is as good as ours.
        if (isRaceLoss(err) && existsSync(dir)) return { dir, made: false }
        throw err
      }
    },
  }
}

function isRaceLoss(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code
  return code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM'
}

function check(part: string): string {
  if (!SAFE.test(part) && !/^[0-9a-f]{8,64}$/.test(part)) throw new Error(`store: '${part}' is not a kind or key`)
  return part
}
