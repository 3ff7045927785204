/**
 * A 16-bit PCM WAV written as samples arrive (a stem from overlap-add, planar per channel): the
 * header's sizes are written last, so an hour of audio never sits in memory. Side effects only.
 */
import { open, type FileHandle } from 'node:fs/promises'

export class StreamingWav {
  private frames = 0
  private pending: Promise<unknown> = Promise.resolve()

  private constructor(
    private readonly file: FileHandle,
    readonly sampleRate: number,
    readonly channels: number,
  ) {}

  static async create(path: string, sampleRate: number, channels: number): Promise<StreamingWav> {
    const file = await open(path, 'w')
    await file.write(header(0, sampleRate, channels), 0, 44, 0)
    return new StreamingWav(file, sampleRate, channels)
  }

  /** Appends planar samples (one array per channel, equal lengths), clipped to 16 bits. */
  write(planar: Float32Array[]): void {
    const n = planar[0]?.length ?? 0
    if (n === 0) return
    const buf = Buffer.alloc(n * this.channels * 2)
    for (let i = 0; i < n; i++)
      for (let c = 0; c < this.channels; c++) buf.writeInt16LE(Math.round(Math.max(-1, Math.min(1, planar[c][i])) * 32767), (i * this.channels + c) * 2)
    const at = 44 + this.frames * this.channels * 2
    this.frames += n
    // Writes in order (each at its own offset), without holding the sink up.
    this.pending = this.pending.then(() => this.file.write(buf, 0, buf.length, at))
  }

  /** Writes the sizes into the header and closes the file. */
  async close(): Promise<void> {
    try {
      await this.pending
      await this.file.write(header(this.frames * this.channels * 2, this.sampleRate, this.channels), 0, 44, 0)
    } finally {
      await this.file.close()
    }
  }
}

function header(dataBytes: number, sampleRate: number, channels: number): Buffer {
  const h = Buffer.alloc(44)
  h.write('RIFF', 0, 'ascii')
  h.writeUInt32LE(36 + dataBytes, 4)
  h.write('WAVE', 8, 'ascii')
  h.write('fmt ', 12, 'ascii')
  h.writeUInt32LE(16, 16)
  h.writeUInt16LE(1, 20) // PCM
  h.writeUInt16LE(channels, 22)
  h.writeUInt32LE(sampleRate, 24)
  h.writeUInt32LE(sampleRate * channels * 2, 28)
  h.writeUInt16LE(channels * 2, 32)
  h.writeUInt16LE(16, 34)
  h.write('data', 36, 'ascii')
  h.writeUInt32LE(dataBytes, 40)
  return h
}
