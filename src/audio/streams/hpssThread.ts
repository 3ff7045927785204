import { existsSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { HpssParts, HpssPartsOptions } from './hpssParts.js'

/** Frames sent to the worker per message (~0.75 s of audio, 512 KB). */
const BATCH_FRAMES = 64

/**
 * HPSS of the spectral pass in a worker thread: the analysis thread sends each frame's power and
 * goes on with the next FFT while the worker filters (the two halves of the pass cost about the
 * same). `start` returns undefined where the worker's compiled file is not there (the sources
 * run under a test runner) or no core is free: the pass then does HPSS itself, with the same
 * numbers.
 */
export class HpssThread {
  private readonly worker: Worker
  private readonly bins: number
  private batch: Float64Array
  private count = 0
  private failed: Error | undefined
  private readonly result: Promise<HpssParts>

  static start(opts: HpssPartsOptions): HpssThread | undefined {
    // Only with a core to spare: on a busy machine the worker costs ~8 % more CPU and ~45 MB (a
    // second isolate, copied frames) and gains no time (measured, 4-minute song, load 12 on 2 cores).
    const cores = availableParallelism()
    if (cores < 2 || loadavg()[0] > cores - 1) return undefined
    const url = new URL('./hpssWorker.js', import.meta.url)
    if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) return undefined
    return new HpssThread(url, opts)
  }

  private constructor(url: URL, opts: HpssPartsOptions) {
    this.bins = opts.nFft / 2 + 1
    this.batch = new Float64Array(BATCH_FRAMES * this.bins)
    this.worker = new Worker(url, { workerData: opts })
    this.result = new Promise<HpssParts>((resolve, reject) => {
      this.worker.once('message', (parts: HpssParts) => resolve(parts))
      this.worker.once('error', (err) => reject((this.failed = err)))
      this.worker.once('exit', (code) => reject((this.failed ??= new Error(`the HPSS worker stopped (exit code ${code})`))))
    })
    // Rejections are read by finish(); until then, none is unhandled.
    this.result.catch(() => undefined)
  }

  /** Room for this many frames in the worker's stores (the expected count, once known). */
  reserve(frames: number): void {
    this.worker.postMessage({ reserve: frames })
  }

  /** The next frame's STFT power (copied). */
  push(power: Float64Array): void {
    if (this.failed) throw this.failed
    this.batch.set(power, this.count * this.bins)
    if (++this.count === BATCH_FRAMES) this.send()
  }

  /** The song is over: the parts of every frame pushed. */
  async finish(): Promise<HpssParts> {
    if (this.count > 0) this.send()
    this.worker.postMessage({ finish: true })
    try {
      return await this.result
    } finally {
      void this.worker.terminate()
    }
  }

  /** Stops the worker (an aborted analysis). */
  dispose(): void {
    void this.worker.terminate()
  }

  private send(): void {
    this.worker.postMessage({ frames: this.batch, count: this.count }, [this.batch.buffer as ArrayBuffer])
    this.batch = new Float64Array(BATCH_FRAMES * this.bins)
    this.count = 0
  }
}
