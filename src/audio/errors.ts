import { LongavError } from '../errors.js'

export type AudioAnalysisErrorCode = 'SILENT' | 'EMPTY'

/** Audio that decodes but cannot be analysed (kind `input`: the song); `code` lets callers react without parsing text. */
export class AudioAnalysisError extends LongavError {
  declare readonly code: AudioAnalysisErrorCode

  constructor(code: AudioAnalysisErrorCode, message: string) {
    super(message, { kind: 'input', code })
    this.name = 'AudioAnalysisError'
  }
}

/** The song is silent or so quiet that no beat, section or colour could be read from it. */
export class SilentSongError extends AudioAnalysisError {
  constructor(
    readonly path: string,
    readonly peakDbfs: number,
  ) {
    super(
      'SILENT',
      `the song is silent: ${path} peaks at ${Number.isFinite(peakDbfs) ? peakDbfs.toFixed(1) + ' dBFS' : '-inf dBFS'}, ` +
        'nothing to sync a video to',
    )
    this.name = 'SilentSongError'
  }
}
