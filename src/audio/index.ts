// Music analysis: decoding lives in the ffmpeg module; everything here is pure DSP on samples.
export { analyzeSamples, analyzeSong, sha256File, ANALYSIS_SAMPLE_RATE } from './analyze.js'
export { frameControls } from './controls.js'
export { AudioAnalysisError, SilentSongError, type AudioAnalysisErrorCode } from './errors.js'
export { synthesizeSong, writeWav, EXAMPLE_SONG_SPEC, type SongSpec, type SectionSpec, type DrumMode, type SynthesizedSong } from './synth.js'
