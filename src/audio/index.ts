// Music analysis: decoding lives in the ffmpeg module; everything here is pure DSP on samples.
export { analyzeSamples, analyzeSong, ANALYSIS_SAMPLE_RATE } from './analyze.js'
export { sha256File } from '../util/files.js'
export { frameControls } from './controls.js'
export { AudioAnalysisError, SilentSongError, type AudioAnalysisErrorCode } from './errors.js'
export { onsetEnvelope, onsetPeakTimes } from './onsetEnvelope.js'
