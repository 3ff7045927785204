// The one module that runs ffmpeg/ffprobe (and the only importer of fluent-ffmpeg).
export * from './binaries.js'
export * from './run.js'
export * from './probe.js'
export * from './rawVideoEncoder.js'
export * from './decodeFrames.js'
export * from './decodeAudio.js'
export * from './stitch.js'
export * from './extractFrame.js'
