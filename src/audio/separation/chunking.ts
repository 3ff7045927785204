/**
 * Chunked inference with overlap-add: the song goes through the model in fixed-length chunks
 * that overlap by `overlap` samples; outputs are cross-faded with linear ramps and divided by the
 * summed weights, so a model that is linear in time reconstructs exactly and memory stays one
 * chunk no matter how long the song is.
 */

/** Start sample of each chunk for a signal of `total` samples (the last chunk is zero-padded). */
export function chunkStarts(total: number, chunk: number, overlap: number): number[] {
  const step = chunk - overlap
  if (step <= 0) throw new RangeError(`overlap (${overlap}) must be smaller than the chunk (${chunk})`)
  const starts = [0]
  while (starts[starts.length - 1] + chunk < total) starts.push(starts[starts.length - 1] + step)
  return starts
}

/** Cross-fade weights of one chunk: ramps of `overlap` samples up and down, 1 between; never 0. */
export function chunkWeights(chunk: number, overlap: number): Float32Array {
  const w = new Float32Array(chunk)
  for (let i = 0; i < chunk; i++) w[i] = Math.min(1, (i + 1) / (overlap + 1), (chunk - i) / (overlap + 1))
  return w
}

/** Receives finished samples: `stems[s][c]` holds `length` samples starting at sample `start`. */
export type StemSink = (start: number, stems: Float32Array[][]) => void

/** Accumulates weighted chunk outputs (`[stems, channels, chunk]` flat) and emits finished samples. */
export class OverlapAdd {
  private readonly acc: Float64Array
  private readonly wsum: Float64Array
  private readonly w: Float32Array
  private origin = 0

  constructor(
    readonly stems: number,
    readonly channels: number,
    readonly chunk: number,
    readonly overlap: number,
    private readonly sink: StemSink,
  ) {
    this.acc = new Float64Array(stems * channels * chunk)
    this.wsum = new Float64Array(chunk)
    this.w = chunkWeights(chunk, overlap)
  }

  /**
   * Adds the output of the chunk that starts at the current origin. Not last: the first
   * `chunk − overlap` samples are final and emitted. Last: `validLength` samples are emitted.
   */
  add(output: Float32Array, last: boolean, validLength = this.chunk): void {
    const { chunk, w, acc, wsum } = this
    const lanes = this.stems * this.channels
    if (output.length !== lanes * chunk) throw new RangeError(`chunk output has ${output.length} values, expected ${lanes * chunk}`)
    for (let l = 0; l < lanes; l++) {
      const o = l * chunk
      for (let i = 0; i < chunk; i++) acc[o + i] += w[i] * output[o + i]
    }
    for (let i = 0; i < chunk; i++) wsum[i] += w[i]
    if (last) this.emit(Math.min(validLength, chunk))
    else {
      const step = chunk - this.overlap
      this.emit(step)
      this.shift(step)
    }
  }

  /** Emits the pending overlap (already covered by the previous chunk) when no further chunk is needed. */
  finish(validLength: number): void {
    this.emit(Math.min(validLength, this.overlap))
  }

  private emit(n: number): void {
    if (n <= 0) return
    const out: Float32Array[][] = []
    for (let s = 0; s < this.stems; s++) {
      const ch: Float32Array[] = []
      for (let c = 0; c < this.channels; c++) {
        const o = (s * this.channels + c) * this.chunk
        const a = new Float32Array(n)
        for (let i = 0; i < n; i++) a[i] = this.wsum[i] > 0 ? this.acc[o + i] / this.wsum[i] : 0
        ch.push(a)
      }
      out.push(ch)
    }
    this.sink(this.origin, out)
  }

  private shift(step: number): void {
    const { chunk, acc, wsum } = this
    const lanes = this.stems * this.channels
    for (let l = 0; l < lanes; l++) {
      const o = l * chunk
      acc.copyWithin(o, o + step, o + chunk)
      acc.fill(0, o + chunk - step, o + chunk)
    }
    wsum.copyWithin(0, step, chunk)
    wsum.fill(0, chunk - step, chunk)
    this.origin += step
  }
}

/**
 * Runs `model` over an interleaved sample stream in overlapping chunks: builds each planar
 * `[channels, chunk]` input (zero-padded at the end) and overlap-adds the `[stems, channels, chunk]`
 * outputs into `sink`. Returns the number of sample frames read.
 */
export async function separateStream(
  source: AsyncIterable<Float32Array>,
  shape: { channels: number; stems: number; chunk: number; overlap: number },
  model: (input: Float32Array) => Promise<Float32Array>,
  sink: StemSink,
): Promise<number> {
  const { channels, chunk, overlap } = shape
  const step = chunk - overlap
  const ola = new OverlapAdd(shape.stems, channels, chunk, overlap, sink)
  const buf = new Float32Array(channels * chunk)
  let filled = 0
  let total = 0
  let ran = false
  for await (const block of source) {
    const n = Math.floor(block.length / channels)
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < channels; c++) buf[c * chunk + filled] = block[i * channels + c]
      filled++
      if (filled === chunk) {
        ola.add(await model(buf), false)
        ran = true
        for (let c = 0; c < channels; c++) buf.copyWithin(c * chunk, c * chunk + step, (c + 1) * chunk)
        filled = overlap
      }
    }
    total += n
  }
  if (!ran || filled > overlap) {
    for (let c = 0; c < channels; c++) buf.fill(0, c * chunk + filled, (c + 1) * chunk)
    ola.add(await model(buf), true, filled)
  } else ola.finish(filled)
  return total
}
