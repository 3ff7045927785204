import { spawn, type ChildProcess } from 'node:child_process'
import { LongavError } from '../errors.js'
import { ffmpegPath, ffprobePath } from './binaries.js'

/** ffmpeg or ffprobe exited with an error: a `failure` (code `FFMPEG_FAILED`), with the end of its stderr. */
export class FfmpegError extends LongavError {
  constructor(
    message: string,
    readonly stderrTail: string,
    readonly exitCode: number | null,
  ) {
    super(message, { kind: 'failure', code: 'FFMPEG_FAILED' })
    this.name = 'FfmpegError'
  }
}

export interface RunOptions {
  signal?: AbortSignal
  /** Called with each complete stderr line (ffmpeg logs and filter output go there). */
  onStderrLine?: (line: string) => void
  /** Collect stdout as a Buffer (ffprobe JSON, raw PCM of short files). */
  captureStdout?: boolean
}

export interface RunResult {
  stdout: Buffer
  stderr: string
}

const STDERR_TAIL = 4000

/**
 * Runs a binary with an argument vector (never a shell string: user text can't become a command).
 * Rejects with the stderr tail on a non-zero exit; kills the process when the signal aborts.
 */
export function runBinary(bin: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(abortError(opts.signal))
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    let stderr = ''
    let pending = ''
    child.stdout!.on('data', (b: Buffer) => {
      if (opts.captureStdout) out.push(b)
    })
    child.stderr!.setEncoding('utf8')
    child.stderr!.on('data', (s: string) => {
      stderr = (stderr + s).slice(-STDERR_TAIL * 4)
      if (opts.onStderrLine) {
        pending += s
        const lines = pending.split(/\r?\n|\r/)
        pending = lines.pop() ?? ''
        for (const l of lines) opts.onStderrLine(l)
      }
    })
    const onAbort = () => child.kill('SIGKILL')
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    child.on('error', (err) => {
      opts.signal?.removeEventListener('abort', onAbort)
      reject(err)
    })
    child.on('close', (code) => {
      opts.signal?.removeEventListener('abort', onAbort)
      if (pending && opts.onStderrLine) opts.onStderrLine(pending)
      if (opts.signal?.aborted) return reject(abortError(opts.signal))
      if (code !== 0) {
        const tail = stderr.slice(-STDERR_TAIL)
        return reject(new FfmpegError(`${bin} exited with code ${code}: ${lastMeaningfulLine(tail)}`, tail, code))
      }
      resolve({ stdout: Buffer.concat(out), stderr })
    })
  })
}

/** An `onStderrLine` that turns ffmpeg's `time=` stamps into the fraction of `durationSec` written. */
export function progressFromStderr(durationSec: number, onProgress?: (fraction: number) => void): ((line: string) => void) | undefined {
  if (!onProgress) return undefined
  return (line) => {
    const m = /time=(\d+):(\d+):(\d+(?:\.\d+)?)/.exec(line)
    if (m) onProgress(Math.min(1, (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) / durationSec))
  }
}

export function runFfmpeg(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return runBinary(ffmpegPath(), ['-hide_banner', '-nostdin', '-y', ...args], opts)
}

export function runFfprobe(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return runBinary(ffprobePath(), ['-hide_banner', ...args], { ...opts, captureStdout: true })
}

/** Spawns ffmpeg with stdin/stdout pipes for streaming (raw frames in, raw PCM out). */
export function spawnFfmpeg(args: string[], stdio: { stdin: boolean; stdout: boolean }): ChildProcess {
  // -nostdin would stop ffmpeg reading the frames we pipe in, so only pass it without a stdin pipe.
  const head = stdio.stdin ? ['-hide_banner'] : ['-hide_banner', '-nostdin']
  return spawn(ffmpegPath(), [...head, '-loglevel', 'error', '-y', ...args], {
    stdio: [stdio.stdin ? 'pipe' : 'ignore', stdio.stdout ? 'pipe' : 'ignore', 'pipe'],
  })
}

export function abortError(signal: AbortSignal): Error {
  const reason = signal.reason
  if (reason instanceof Error) return reason
  const e = new Error(typeof reason === 'string' ? reason : 'aborted')
  e.name = 'AbortError'
  return e
}

function lastMeaningfulLine(tail: string): string {
  const lines = tail.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)
  return lines.slice(-2).join(' | ') || 'no output'
}
