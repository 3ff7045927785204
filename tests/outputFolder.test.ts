import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'
import { writeTestBrief } from './helpers/brief.js'
import { longav, LONGAV_BIN as BIN } from './helpers/cli.js'

// The output folder (issue 12, case 3): what --out may be, whose files it holds, who writes it.
const TINY = ['--size', '160x90', '--fps', '12']

/** A message, not a stack trace. */
function expectNoStack(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m)
  expect(stderr).not.toMatch(/node:internal/)
}

/** Every file under a folder, hidden ones included. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() || e.isSymbolicLink())
    .map((e) => join(e.parentPath, e.name))
}

function hasVideoStream(path: string): boolean {
  const r = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', path], { encoding: 'utf8' })
  return r.status === 0 && r.stdout.trim() === 'video'
}

async function until(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** A small tmpfs, when this process may mount one (root with CAP_SYS_ADMIN); undefined otherwise. */
function mountTmpfs(path: string, options: string): boolean {
  mkdirSync(path, { recursive: true })
  return spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', path]).status === 0
}
const mounted: string[] = []

let dir: string
let song: SongFixture
let brief: string
let finished: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-outdir-'))
  song = await makeSongFixture({ bpm: 120, seconds: 8, dir })
  brief = writeTestBrief(dir)
  finished = join(dir, 'finished')
  const r = longav(['render', song.path, brief, '--out', finished, ...TINY], dir)
  expect(r.code, r.stderr).toBe(0)
}, 180_000)

afterAll(() => {
  for (const m of mounted) spawnSync('umount', [m])
})

describe('--out that cannot be written: exit 2 and a message', () => {
  it('an existing file', () => {
    const file = join(dir, 'a-file')
    writeFileSync(file, 'not a folder')
    for (const args of [['render', song.path, brief, ...TINY], ['plan', song.path, brief], ['analyze', song.path], ['score', join(finished, 'final.mp4'), song.path]]) {
      const r = longav([...args, '--out', file], dir)
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2)
      expect(r.stderr).toMatch(/output folder .*a-file is a file, not a folder/)
      expectNoStack(r.stderr)
      expect(readFileSync(file, 'utf8')).toBe('not a folder')
    }
  })

  it('a folder under an existing file', () => {
    const r = longav(['render', song.path, brief, '--out', join(dir, 'a-file2', 'sub'), ...TINY], (writeFileSync(join(dir, 'a-file2'), 'x'), dir))
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(/cannot be made: .*a-file2 is a file/)
    expectNoStack(r.stderr)
  })

  // /proc refuses new files to everyone, root included (a chmod 0555 folder does not stop root,
  // which CI runs as). Before the fix, mkdir -p there spun forever in Node 20.
  it('a place where files cannot be created (/proc), even as root', () => {
    const r = longav(['render', song.path, brief, '--out', '/proc/1/longav-out', ...TINY], dir)
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(/output folder \/proc\/1\/longav-out is not writable/)
    expectNoStack(r.stderr)
  })

  it('a read-only file system (a read-only tmpfs; a chmod 0555 folder when not root)', () => {
    const ro = join(dir, 'ro')
    const asRoot = process.getuid?.() === 0
    if (asRoot) {
      if (!mountTmpfs(ro, 'ro,size=1m')) return expect.fail('running as root but cannot mount a tmpfs to test with')
      mounted.push(ro)
    } else {
      mkdirSync(ro, { mode: 0o555 })
    }
    const r = longav(['render', song.path, brief, '--out', join(ro, 'out'), ...TINY], dir)
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(asRoot ? /is not writable .*read-only file system/ : /is not writable .*permission denied/)
    expectNoStack(r.stderr)
  })
})

describe('a write failing mid-render (full disk): exit 1, a message, no partial file', () => {
  // A real ENOSPC, root or not: the run log is a link to /dev/full.
  it('the run log cannot be written', () => {
    const out = join(dir, 'devfull')
    mkdirSync(out)
    symlinkSync('/dev/full', join(out, 'run.log'))
    const r = longav(['render', song.path, brief, '--out', out, ...TINY], dir)
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toMatch(/could not write to .*devfull: no space left on the device/)
    expectNoStack(r.stderr)
    expect(existsSync(join(out, '.longav', 'lock'))).toBe(false)
  })

  // A small tmpfs fills up at different stages: early (steps' files), late (stitching, storyboard):
  // sized against what a finished render of the same inputs holds, so it fills whatever the pictures weigh.
  // Each file once: the timeline's segments/ are hard links to the store's segments.
  const finishedKb = () => {
    const seen = new Map(filesUnder(finished).map((f) => statSync(f)).map((st) => [st.ino, st.size]))
    return Math.ceil([...seen.values()].reduce((t, n) => t + n, 0) / 1024)
  }
  for (const [label, kb] of [
    ['300 kB', () => 300],
    ['60 % of a finished render', () => Math.round(0.6 * finishedKb())],
    ['90 % of a finished render', () => Math.round(0.9 * finishedKb())],
  ] as const) {
    it(`a file system of ${label} fills up`, () => {
      const size = `${kb()}k`
      const mnt = join(dir, `full-${label.replace(/\W+/g, '-')}`)
      if (!mountTmpfs(mnt, `size=${size}`)) {
        expect(process.getuid?.(), 'only root may mount the tmpfs this test needs').not.toBe(0)
        return
      }
      mounted.push(mnt)
      const r = longav(['render', song.path, brief, '--out', join(mnt, 'out'), ...TINY], dir)
      expect(r.code, r.stderr).toBe(1)
      expect(r.stderr).toMatch(/could not write to .*: no space left on the device/)
      expectNoStack(r.stderr)
      const left = filesUnder(mnt)
      expect(left.filter((f) => /\.partial|\.tmp$/.test(f))).toEqual([])
      expect(left.filter((f) => f.endsWith(join('.longav', 'lock')))).toEqual([])
    })
  }
})

describe("the user's own files", () => {
  it('a final.mp4 longav did not make is not replaced', () => {
    const out = join(dir, 'users')
    mkdirSync(out)
    writeFileSync(join(out, 'final.mp4'), 'my own video')
    const r = longav(['render', song.path, brief, '--out', out, ...TINY], dir)
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(/users\/final\.mp4 was not made by longav .*another --out, or pass --force/)
    expect(readFileSync(join(out, 'final.mp4'), 'utf8')).toBe('my own video')
    expect(existsSync(join(out, '.longav'))).toBe(false)
  })

  it('a plan.json that is not a longav plan is not replaced by plan', () => {
    const out = join(dir, 'users-plan')
    mkdirSync(out)
    writeFileSync(join(out, 'plan.json'), '{"my": "plan"}')
    const r = longav(['plan', song.path, brief, '--out', out], dir)
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(/plan\.json was not made by longav/)
    expect(readFileSync(join(out, 'plan.json'), 'utf8')).toBe('{"my": "plan"}')
  })

  it('a song given as <out>/final.mp4 is not destroyed by its own render, even with --force', () => {
    const out = join(dir, 'self')
    mkdirSync(out)
    const own = join(out, 'final.mp4')
    copyFileSync(song.path, own)
    const before = readFileSync(own)
    for (const extra of [[], ['--force']]) {
      const r = longav(['render', own, brief, '--out', out, ...TINY, ...extra], dir)
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toMatch(/the song .*self\/final\.mp4 is one of the files this command writes/)
      expect(readFileSync(own).equals(before)).toBe(true)
      expect(existsSync(join(out, '.longav'))).toBe(false)
    }
  })

  it('a song linked into the folder as final.mp4 is the same file', () => {
    const out = join(dir, 'linked')
    mkdirSync(out)
    symlinkSync(song.path, join(out, 'final.mp4'))
    const r = longav(['render', song.path, brief, '--out', out, ...TINY, '--force'], dir)
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(/is the same file as .*linked\/final\.mp4/)
  })
})

describe("a finished render's folder", () => {
  const kept = ['plan.json', 'treatment.json', 'analysis.json', 'score.json', 'score.png', 'memory.json']
  it('plan, analyze and score do not overwrite its files without --force', () => {
    const before = Object.fromEntries(kept.map((f) => [f, readFileSync(join(finished, f))]))
    for (const args of [['plan', song.path, brief], ['analyze', song.path], ['score', join(finished, 'final.mp4'), song.path, '--plan', join(finished, 'plan.json')]]) {
      const r = longav([...args, '--out', finished], dir)
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2)
      expect(r.stderr).toMatch(new RegExp(`${finished.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} holds a finished render: '${args[0]}' would overwrite`))
      expectNoStack(r.stderr)
    }
    for (const f of kept) expect(readFileSync(join(finished, f)).equals(before[f]), f).toBe(true)
  })

  it('analyze --force does overwrite it', () => {
    const r = longav(['analyze', song.path, '--out', finished, '--force'], dir)
    expect(r.code, r.stderr).toBe(0)
  })
})

describe('one writer per folder', () => {
  it('a second render into the same --out exits 2 naming the first; the first finishes', async () => {
    const out = join(dir, 'busy')
    const first = spawn(process.execPath, [BIN, 'render', song.path, brief, '--out', out, ...TINY], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    let firstErr = ''
    first.stderr.on('data', (b: Buffer) => (firstErr += b.toString()))
    const exited = new Promise<number | null>((resolve) => first.on('close', (code) => resolve(code)))
    await until(() => existsSync(join(out, '.longav', 'lock')), 'the first render to take its lock')
    const second = longav(['render', song.path, brief, '--out', out, ...TINY], dir)
    expect(second.code, second.stderr).toBe(2)
    expect(second.stderr).toMatch(new RegExp(`in use by another longav process \\(pid ${first.pid} on ${hostname()}, since \\d{4}-`))
    expectNoStack(second.stderr)
    // So are plan, analyze and score into it while it runs (the folder has its .longav/).
    const analyzing = longav(['analyze', song.path, '--out', out, '--force'], dir)
    expect(analyzing.code, analyzing.stderr).toBe(2)
    expect(analyzing.stderr).toMatch(/in use by another longav process/)
    expect(await exited, firstErr).toBe(0)
    expect(hasVideoStream(join(out, 'final.mp4'))).toBe(true)
    expect(existsSync(join(out, '.longav', 'lock'))).toBe(false)
  }, 180_000)

  it('a lock left by a killed render is recovered', async () => {
    const out = join(dir, 'killed')
    const victim = spawn(process.execPath, [BIN, 'render', song.path, brief, '--out', out, ...TINY], { cwd: dir, stdio: 'ignore' })
    const gone = new Promise<void>((resolve) => victim.on('close', () => resolve()))
    const lock = join(out, '.longav', 'lock')
    await until(() => existsSync(lock) && readFileSync(lock, 'utf8').length > 0, 'the render to take its lock')
    victim.kill('SIGKILL')
    await gone
    expect(JSON.parse(readFileSync(lock, 'utf8')).pid).toBe(victim.pid)
    const r = longav(['render', song.path, brief, '--out', out, ...TINY], dir)
    expect(r.code, r.stderr).toBe(0)
    expect(hasVideoStream(join(out, 'final.mp4'))).toBe(true)
    expect(existsSync(lock)).toBe(false)
  }, 180_000)

  it('an unreadable lock that is old is recovered; a fresh one is respected', () => {
    const out = join(dir, 'junk-lock')
    mkdirSync(join(out, '.longav'), { recursive: true })
    const lock = join(out, '.longav', 'lock')
    writeFileSync(lock, '')
    const fresh = longav(['plan', song.path, brief, '--out', out], dir)
    expect(fresh.code, fresh.stderr).toBe(2)
    expect(fresh.stderr).toMatch(/in use by another longav process \(just starting\)/)
    const old = new Date(Date.now() - 60_000)
    spawnSync('touch', ['-d', old.toISOString(), lock])
    expect(statSync(lock).mtimeMs).toBeLessThan(Date.now() - 30_000)
    const r = longav(['plan', song.path, brief, '--out', out], dir)
    expect(r.code, r.stderr).toBe(0)
    expect(existsSync(lock)).toBe(false)
    rmSync(out, { recursive: true })
  })
})
