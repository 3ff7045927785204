import { stat } from 'node:fs/promises'
import { LongavError } from '../errors.js'
import { FfmpegError, abortError, spawnFfmpeg } from './run.js'
import { probeMedia } from './probe.js'

export type AudioDecodeErrorCode = 'NOT_FOUND' | 'NOT_AUDIO' | 'EMPTY' | 'DECODE_FAILED' | 'NON_FINITE'

/** A song that cannot be turned into samples (kind `input`: missing, empty or corrupt); `code` lets callers react without parsing text. */
export class AudioDecodeError extends LongavError {
  declare readonly code: AudioDecodeErrorCode

  constructor(code: AudioDecodeErrorCode, message: string) {
    super(message, { kind: 'input', code })
    this.name = 'AudioDecodeError'
  }
}

export interface DecodedAudio {
  /** Mono samples in [-1, 1]. */
  samples: Float32Array
  sampleRate: number
  durationSec: number
}

/**
 * Decodes any audio ffmpeg reads into mono float samples at `sampleRate` (22050 by default),
 * streaming ffmpeg's f32le stdout into one growing buffer.
 */
export async function decodeAudioMono(
  path: string,
  opts: { sampleRate?: number; signal?: AbortSignal } = {},
): Promise<DecodedAudio> {
  const sampleRate = opts.sampleRate ?? 22050
  const durationHint = await probeAudioInput(path, opts.signal)
  const bytes = await pcmBytes(path, sampleRate, durationHint, opts.signal)
  // f32le matches the host byte order on every platform Node ships for (little-endian).
  const n = Math.floor(bytes.byteLength / 4)
  if (n === 0) throw new AudioDecodeError('EMPTY', `${path} has an audio stream but no samples`)
  const samples = new Float32Array(bytes.buffer, bytes.byteOffset, n)
  const bad = firstNonFinite(samples)
  if (bad >= 0) throw nonFiniteSongError(path, bad / sampleRate)
  return { samples, sampleRate, durationSec: n / sampleRate }
}

/**
 * The checks `decodeAudioMono` makes before decoding (the file exists, is not empty, has an
 * audio stream ffprobe reads), with its errors; resolves to the probed duration in seconds.
 */
export async function probeAudioInput(path: string, signal?: AbortSignal): Promise<number> {
  const st = await stat(path).catch(() => undefined)
  if (!st || !st.isFile()) throw new AudioDecodeError('NOT_FOUND', `song not found: ${path}`)
  if (st.size === 0) throw new AudioDecodeError('EMPTY', `${path} is empty`)
  try {
    const info = await probeMedia(path, { signal })
    if (!info.audio) throw new AudioDecodeError('NOT_AUDIO', `${path} is not an audio file ffmpeg can decode: it has no audio stream`)
    return info.audio.durationSec ?? info.durationSec
  } catch (err) {
    if (err instanceof AudioDecodeError) throw err
    if (signal?.aborted) throw abortError(signal)
    const reason = err instanceof FfmpegError ? reasonOf(err.stderrTail) : String((err as Error).message ?? err)
    throw new AudioDecodeError('NOT_AUDIO', `${path} is not an audio file ffmpeg can decode: ${reason}`)
  }
}

/** Index of the first NaN or ±Infinity in `x`, or -1. */
export function firstNonFinite(x: Float32Array): number {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return i
  return -1
}

/** The same message for the check before a render and for a decode. */
export function nonFiniteSongError(path: string, atSec: number): AudioDecodeError {
  return new AudioDecodeError(
    'NON_FINITE',
    `${path} has samples that are not numbers (NaN or infinity) from ${atSec.toFixed(2)} s: a damaged float recording; export it again (e.g. as 16-bit WAV)`,
  )
}

/**
 * Float PCM (pcm_f32le, pcm_f64be, …) can hold NaN and ±Infinity, which no encoder accepts;
 * the song is read once at its own rate and layout (no resampling, which would smear them) and
 * the time of the first such sample returned. Other codecs decode to finite samples.
 */
export async function findNonFiniteSample(
  path: string,
  audio: { codec: string; sampleRate: number; channels: number },
  signal?: AbortSignal,
): Promise<number | undefined> {
  if (!/^pcm_f\d/.test(audio.codec) || !(audio.sampleRate > 0) || !(audio.channels > 0)) return undefined
  let frames = 0
  for await (const block of streamAudio(path, { sampleRate: audio.sampleRate, channels: audio.channels, signal })) {
    const bad = firstNonFinite(block)
    if (bad >= 0) return (frames + Math.floor(bad / audio.channels)) / audio.sampleRate
    frames += block.length / audio.channels
  }
  return undefined
}

function pcmBytes(path: string, sampleRate: number, durationHint: number, signal?: AbortSignal): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal))
    // -max_error_rate 1: keep the readable part of a damaged file instead of failing the decode
    // (ffmpeg otherwise exits 69 once most frames fail, after writing the good samples).
    const child = spawnFfmpeg(['-max_error_rate', '1', '-i', path, '-vn', '-sn', '-dn', '-ac', '1', '-ar', String(sampleRate), '-f', 'f32le', 'pipe:1'], {
      stdin: false,
      stdout: true,
    })
    // Pre-size from the probed duration so a normal song is copied exactly once.
    let buf = new Uint8Array(Math.max(1 << 16, Math.ceil((durationHint + 1) * sampleRate) * 4))
    let len = 0
    let stderr = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      if (len + chunk.length > buf.length) {
        const grown = new Uint8Array(Math.max(buf.length * 2, len + chunk.length))
        grown.set(buf.subarray(0, len))
        buf = grown
      }
      buf.set(chunk, len)
      len += chunk.length
    })
    child.stderr!.setEncoding('utf8')
    child.stderr!.on('data', (s: string) => {
      stderr = (stderr + s).slice(-4000)
    })
    const onAbort = () => child.kill('SIGKILL')
    signal?.addEventListener('abort', onAbort, { once: true })
    child.on('error', (err) => {
      signal?.removeEventListener('abort', onAbort)
      reject(err)
    })
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort)
      if (signal?.aborted) return reject(abortError(signal))
      if (code !== 0) {
        return reject(new AudioDecodeError('DECODE_FAILED', `${path} is not an audio file ffmpeg can decode: ${reasonOf(stderr)}`))
      }
      // Drop the unused tail of the buffer when it is noticeably oversized.
      resolve(buf.length - len > 1 << 20 ? buf.slice(0, len) : buf.subarray(0, len))
    })
  })
}

function reasonOf(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
  return lines.slice(-2).join(' | ') || 'unknown error'
}

/**
 * Decodes audio as a stream of interleaved f32 blocks at `sampleRate` with `channels` channels
 * (ffmpeg up- or down-mixes), so a consumer that works chunk by chunk (a separation model) never
 * holds the whole song. Each yielded block holds whole sample frames. Throws AudioDecodeError
 * like `decodeAudioMono` when ffmpeg fails.
 */
export async function* streamAudio(
  path: string,
  opts: { sampleRate: number; channels: number; signal?: AbortSignal },
): AsyncGenerator<Float32Array> {
  const st = await stat(path).catch(() => undefined)
  if (!st || !st.isFile()) throw new AudioDecodeError('NOT_FOUND', `song not found: ${path}`)
  if (opts.signal?.aborted) throw abortError(opts.signal)
  const child = spawnFfmpeg(
    ['-max_error_rate', '1', '-i', path, '-vn', '-sn', '-dn', '-ac', String(opts.channels), '-ar', String(opts.sampleRate), '-f', 'f32le', 'pipe:1'],
    { stdin: false, stdout: true },
  )
  let stderr = ''
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (s: string) => {
    stderr = (stderr + s).slice(-4000)
  })
  const closed = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve(code))
  })
  const onAbort = () => child.kill('SIGKILL')
  opts.signal?.addEventListener('abort', onAbort, { once: true })
  const frameBytes = 4 * opts.channels
  let rest = Buffer.alloc(0)
  try {
    for await (const chunk of child.stdout! as AsyncIterable<Buffer>) {
      const data = rest.length ? Buffer.concat([rest, chunk]) : chunk
      const usable = data.length - (data.length % frameBytes)
      rest = Buffer.from(data.subarray(usable))
      if (usable > 0) {
        // Copy into an aligned buffer: Node's pooled Buffers may start at any byte offset.
        const out = new Float32Array(usable / 4)
        new Uint8Array(out.buffer).set(data.subarray(0, usable))
        yield out
      }
    }
    const code = await closed
    if (opts.signal?.aborted) throw abortError(opts.signal)
    if (code !== 0) throw new AudioDecodeError('DECODE_FAILED', `${path} is not an audio file ffmpeg can decode: ${reasonOf(stderr)}`)
  } finally {
    opts.signal?.removeEventListener('abort', onAbort)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
}
