import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, linkSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { InputError } from '../../errors.js'
import type { RunDir } from '../runDir.js'

const Holder = z.object({ pid: z.number().int(), host: z.string(), startedAt: z.string(), token: z.string() })
type Holder = z.infer<typeof Holder>

/** A lock file being written by its holder is empty for an instant; after this long it is junk. */
const UNREADABLE_STALE_MS = 10_000

export interface FolderLock {
  /** Removes the lock if it is still ours. Safe to call more than once. */
  release(): void
}

/**
 * Takes `<out>/.longav/lock` (created exclusively, holding pid, host and start time) so that two
 * longav processes never write one folder at once. A lock whose process is gone from this host is
 * stale and taken over; one held by a live process (or on another host) is refused with exit 2,
 * naming the holder.
 */
export function lockOutputFolder(runDir: RunDir): FolderLock {
  const path = join(runDir.state, 'lock')
  mkdirSync(runDir.state, { recursive: true })
  const me: Holder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), token: randomBytes(8).toString('hex') }
  for (let tries = 0; ; tries++) {
    try {
      writeFileSync(path, JSON.stringify(me) + '\n', { flag: 'wx' })
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || tries >= 5) throw err
    }
    const holder = readHolder(path)
    if (holder === 'gone') continue
    if (holder === 'unreadable' ? !isOldFile(path) : isAlive(holder)) throw lockedError(runDir, holder)
    removeStale(path, holder)
  }
  let released = false
  return {
    release() {
      if (released) return
      released = true
      const now = readHolder(path)
      if (typeof now === 'object' && now.token === me.token) rmSync(path, { force: true })
    },
  }
}

function readHolder(path: string): Holder | 'gone' | 'unreadable' {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return 'gone'
  }
  try {
    const r = Holder.safeParse(JSON.parse(text))
    return r.success ? r.data : 'unreadable'
  } catch {
    return 'unreadable'
  }
}

/** Alive, or not ours to judge: a process on another host cannot be checked from here. */
function isAlive(h: Holder): boolean {
  if (h.host !== hostname()) return true
  if (h.pid === process.pid) return true
  try {
    process.kill(h.pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function isOldFile(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > UNREADABLE_STALE_MS
  } catch {
    return true
  }
}

/**
 * Moves the stale lock aside before deleting it, so two processes recovering it at once cannot
 * delete the fresh lock one of them just took: whoever moved a lock that is not the stale one
 * puts it back.
 */
function removeStale(path: string, stale: Holder | 'unreadable'): void {
  const aside = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.stale`
  try {
    renameSync(path, aside)
  } catch {
    return // someone else moved it first
  }
  const moved = readHolder(aside)
  const same = typeof stale === 'object' ? typeof moved === 'object' && moved.token === stale.token : moved === 'unreadable'
  if (!same) {
    try {
      linkSync(aside, path)
    } catch {
      /* a newer lock is already there: it wins */
    }
  }
  rmSync(aside, { force: true })
}

function lockedError(runDir: RunDir, h: Holder | 'unreadable'): InputError {
  const who = h === 'unreadable' ? 'another longav process (just starting)' : `another longav process (pid ${h.pid} on ${h.host}, since ${h.startedAt})`
  return new InputError(
    `${runDir.root} is in use by ${who}. Wait for it to finish or choose another --out` +
      (h !== 'unreadable' && h.host !== hostname() ? `; if that process is gone, delete ${join(runDir.state, 'lock')}` : '') +
      '.',
    { code: 'OUTPUT_LOCKED' },
  )
}
