// Music analysis: decoding lives in the ffmpeg module; everything here is pure DSP on samples.
export { analyzeSamples, analyzeSong, ANALYSIS_SAMPLE_RATE } from './analyze.js'
export { sha256File } from '../util/files.js'
export { frameControls } from './controls.js'
export { AudioAnalysisError, SilentSongError, type AudioAnalysisErrorCode } from './errors.js'
export { synthesizeSong, writeWav, EXAMPLE_SONG_SPEC, type SongSpec, type SectionSpec, type DrumMode, type SynthesizedSong } from './synth.js'
export { onsetEnvelope, onsetPeakTimes } from './onsetEnvelope.js'
