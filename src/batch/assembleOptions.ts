/** What a variant's assembly takes, and the keyframe arguments both assemblies (one encode, smart) share. */
import type { Piece } from './types.js'

export interface AssembleOptions {
  /** The base render of this format (H.264, the whole song, no text). */
  base: string
  pieces: Piece[]
  overlays: Array<{ png: string; x: number; y: number; startFrame: number; endFrame: number }>
  /** The variant's audio: exactly totalFrames / fps seconds. */
  audio: string
  fps: number
  totalFrames: number
  out: string
  /** Output frames that must be keyframes (where the text check will seek). */
  keyFrames?: number[]
  /** Frames of the base (its last GOP ends there); default: the last piece's end. */
  baseFrames?: number
  /** A scratch folder: with it, the variant copies the base's whole GOPs that carry no text. */
  work?: string
  signal?: AbortSignal
  onProgress?: (fraction: number) => void
}

/**
 * The -force_key_frames argument for these output frames, or none. A list of times (not an
 * expression: ffmpeg's expression parser refuses a sum of a hundred terms); ffmpeg forces the
 * first frame at or after each time, so each time sits a quarter frame before its frame.
 */
export function forceKeyFrameArgs(frames: number[] | undefined, fps: number): string[] {
  const list = [...new Set((frames ?? []).filter((f) => Number.isInteger(f) && f > 0))].sort((a, b) => a - b)
  return list.length ? ['-force_key_frames', list.map((f) => ((f - 0.25) / fps).toFixed(6)).join(',')] : []
}

