export type AudioAnalysisErrorCode = 'SILENT' | 'EMPTY'

/** Audio that decodes but cannot be analysed; `code` lets callers react without parsing text. */
export class AudioAnalysisError extends Error {
  constructor(
    readonly code: AudioAnalysisErrorCode,
    message: string,
  ) {
    super(message)
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
