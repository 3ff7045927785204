import { spawnSync } from 'node:child_process'
import { config } from '../config.js'
import { LongavError } from '../errors.js'

/** ffmpeg to run: FFMPEG_PATH wins, then the one on PATH (src/config.ts). */
export function ffmpegPath(): string {
  return config().ffmpegPath
}

/** ffprobe to run: FFPROBE_PATH wins, then the one on PATH (src/config.ts). */
export function ffprobePath(): string {
  return config().ffprobePath
}

/** ffmpeg or ffprobe cannot be run: the user installs it or points FFMPEG_PATH/FFPROBE_PATH at it (kind `input`, code `FFMPEG_MISSING`). */
export class FfmpegMissingError extends LongavError {
  constructor(which: string) {
    super(
      `${which} was not found. Install it (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg) ` +
        `or set ${which === 'ffprobe' ? 'FFPROBE_PATH' : 'FFMPEG_PATH'} to its path.`,
      { kind: 'input', code: 'FFMPEG_MISSING' },
    )
    this.name = 'FfmpegMissingError'
  }
}

let checked = false
/** Fails fast with an install hint when ffmpeg or ffprobe cannot be run. */
export function assertFfmpegAvailable(): void {
  if (checked) return
  for (const [which, bin] of [['ffmpeg', ffmpegPath()], ['ffprobe', ffprobePath()]] as const) {
    const r = spawnSync(bin, ['-version'], { stdio: 'ignore' })
    if (r.error || r.status !== 0) throw new FfmpegMissingError(which)
  }
  checked = true
}
