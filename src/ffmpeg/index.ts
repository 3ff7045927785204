// The one module that runs ffmpeg/ffprobe (and the only importer of fluent-ffmpeg).
export * from './binaries.js'
export * from './run.js'
export * from './probe.js'
