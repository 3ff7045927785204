/**
 * Loudness with ffmpeg: measure integrated loudness (EBU R128, `ebur128`) and normalise a file to
 * a target by a measured gain and a true-peak limiter (alimiter run 4× oversampled, so it limits
 * the peaks between samples too), then measure again and correct once: a linear gain keeps the
 * music's dynamics, unlike loudnorm's dynamic mode, and the length stays sample-exact.
 */
import { open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { RenderError } from '../errors.js'
import { runFfmpeg } from '../ffmpeg/run.js'

/** The limiter's ceiling: −1.5 dBFS at 4× oversampling keeps true peaks under −1 dBTP. */
const LIMIT = 10 ** (-1.5 / 20)
/** Corrected once when the first pass lands further than this from the target (limiting lowers it). */
const RETRY_LU = 0.3

export interface LoudnessOptions {
  sampleRate?: number
  signal?: AbortSignal
}

/** Integrated loudness (LUFS) of any audio ffmpeg reads; `inputArgs` default to `-i file`. */
export async function measureLoudness(file: string, opts: { signal?: AbortSignal; inputArgs?: string[] } = {}): Promise<number> {
  const { stderr } = await runFfmpeg([...(opts.inputArgs ?? ['-i', file]), '-nostats', '-vn', '-af', 'ebur128=framelog=verbose', '-f', 'null', '-'], {
    signal: opts.signal,
  })
  const summary = stderr.slice(stderr.lastIndexOf('Integrated loudness'))
  const m = /I:\s+(-?[\d.]+|-inf)\s+LUFS/.exec(summary)
  if (!m) throw new RenderError(`ffmpeg ebur128 printed no integrated loudness for ${file}`, { code: 'LOUDNESS_FAILED' })
  return m[1] === '-inf' ? -Infinity : Number(m[1])
}

/**
 * Writes `out` (24-bit WAV at `sampleRate`, stereo) from the audio `inputArgs` reads, with gain so
 * its integrated loudness is `lufs` (±0.3 LU when the limiter allows), padded or trimmed to
 * `samples` samples when given. Returns the measured loudness and the sample count written.
 */
export async function writeNormalised(
  inputArgs: string[],
  out: string,
  lufs: number | null,
  opts: LoudnessOptions & { samples?: number; label: string },
): Promise<{ measuredLufs: number; samples: number }> {
  const sr = opts.sampleRate ?? 48000
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.partial.wav`)
  const pass = async (gainDb: number) => {
    const chain = [`volume=${gainDb.toFixed(3)}dB`]
    if (lufs !== null) chain.push(`aresample=${4 * sr}`, `alimiter=limit=${LIMIT.toFixed(4)}:level=0:latency=1:attack=2:release=80`, `aresample=${sr}`)
    if (opts.samples !== undefined) chain.push(`apad=whole_len=${opts.samples}`, `atrim=end_sample=${opts.samples}`)
    await runFfmpeg([...inputArgs, '-vn', '-af', chain.join(','), '-ar', String(sr), '-ac', '2', '-c:a', 'pcm_s24le', '-f', 'wav', tmp], { signal: opts.signal })
    return measureLoudness(tmp, { signal: opts.signal })
  }
  try {
    let gain = 0
    if (lufs !== null) {
      const before = await measureLoudness(opts.label, { signal: opts.signal, inputArgs })
      if (!Number.isFinite(before)) throw new RenderError(`${opts.label} is silent: its loudness cannot be set to ${lufs} LUFS`, { code: 'LOUDNESS_FAILED' })
      gain = lufs - before
    }
    let measured = await pass(gain)
    if (lufs !== null && Math.abs(measured - lufs) > RETRY_LU) measured = await pass(gain + (lufs - measured))
    const samples = await wavSampleCount(tmp)
    await rename(tmp, out)
    return { measuredLufs: measured, samples }
  } finally {
    await rm(tmp, { force: true })
  }
}

/**
 * The full song at a loudness (for variants that play it whole): a WAV of the whole song at
 * `sampleRate`, same length, measured loudness returned.
 */
export async function normaliseLoudness(
  input: string,
  out: string,
  lufs: number,
  opts: LoudnessOptions = {},
): Promise<{ path: string; measuredLufs: number; samples: number }> {
  const r = await writeNormalised(['-i', input], out, lufs, { ...opts, label: input })
  return { path: out, ...r }
}

/** Sample frames in a PCM WAV (from its fmt and data chunk headers). */
export async function wavSampleCount(path: string): Promise<number> {
  const fh = await open(path, 'r')
  try {
    const head = Buffer.alloc(4096)
    const { bytesRead } = await fh.read(head, 0, head.length, 0)
    let blockAlign = 0
    for (let p = 12; p + 8 <= bytesRead; ) {
      const id = head.toString('ascii', p, p + 4)
      const size = head.readUInt32LE(p + 4)
      if (id === 'fmt ') blockAlign = head.readUInt16LE(p + 20)
      if (id === 'data') {
        const st = await fh.stat()
        const bytes = size === 0xffffffff || p + 8 + size > st.size ? st.size - (p + 8) : size
        return blockAlign ? Math.floor(bytes / blockAlign) : 0
      }
      p += 8 + size + (size & 1)
    }
    throw new RenderError(`${path} is not a PCM WAV ffmpeg wrote`, { code: 'LOUDNESS_FAILED' })
  } finally {
    await fh.close()
  }
}
