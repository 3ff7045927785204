import { AudioDecodeError, firstNonFinite, nonFiniteSongError, probeAudioInput, streamAudio } from '../ffmpeg/index.js'
import { SpectralPassStream, type SpectralPass, type SpectralPassOptions } from './streams/spectralPass.js'
import { HpssThread } from './streams/hpssThread.js'

/**
 * Decodes the song with ffmpeg (mono f32 at `sampleRate`) straight into the spectral pass, block
 * by block: ffmpeg decodes on one core while the STFT runs on the other, and the samples are
 * never held whole (an hour at 22050 Hz would be 320 MB). The file is probed meanwhile, with
 * `decodeAudioMono`'s errors (a probe failure wins over the decoder's, as there).
 */
export async function decodeIntoSpectralPass(
  path: string,
  opts: SpectralPassOptions & { sampleRate: number; signal?: AbortSignal; onProgress?: (fraction: number) => void },
): Promise<SpectralPass> {
  // The HPSS worker starts while ffprobe and ffmpeg do.
  const thread = HpssThread.start({ sampleRate: opts.sampleRate, nFft: opts.nFft ?? 2048, nMels: opts.nMels ?? 128, hpssKernel: opts.hpssKernel })
  try {
    return await decodeInto(path, opts, thread)
  } finally {
    thread?.dispose()
  }
}

async function decodeInto(
  path: string,
  opts: SpectralPassOptions & { sampleRate: number; signal?: AbortSignal; onProgress?: (fraction: number) => void },
  thread: HpssThread | undefined,
): Promise<SpectralPass> {
  const probing = probeAudioInput(path, opts.signal).then(
    (durationSec) => ({ durationSec }),
    (error: unknown) => ({ error }),
  )
  const blocks = streamAudio(path, { sampleRate: opts.sampleRate, channels: 1, signal: opts.signal })
  // Start the decoder now, then wait for the probe: its errors come first, its duration sizes the stores.
  const first = blocks.next().then(
    (r) => ({ r }),
    (error: unknown) => ({ error }),
  )
  const probe = await probing
  if ('error' in probe) {
    await blocks.return(undefined).catch(() => undefined)
    throw probe.error
  }
  const hop = opts.hop ?? 512
  const expected = probe.durationSec > 0 ? probe.durationSec * opts.sampleRate : 0
  const pass = new SpectralPassStream(opts.sampleRate, { ...opts, thread, framesHint: expected > 0 ? Math.ceil(expected / hop) + 64 : undefined })
  const take = (block: Float32Array) => {
    const bad = firstNonFinite(block)
    if (bad >= 0) throw nonFiniteSongError(path, (pass.length + bad) / opts.sampleRate)
    pass.push(block)
    if (expected > 0) opts.onProgress?.(Math.min(1, pass.length / expected))
  }
  try {
    const head = await first
    if ('error' in head) throw head.error
    if (!head.r.done) take(head.r.value)
    if (!head.r.done) for await (const block of blocks) take(block)
  } finally {
    await blocks.return(undefined).catch(() => undefined)
  }
  if (pass.length === 0) throw new AudioDecodeError('EMPTY', `${path} has an audio stream but no samples`)
  return pass.finishAsync()
}
