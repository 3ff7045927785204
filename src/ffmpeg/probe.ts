import { z } from 'zod'
import { runFfprobe } from './run.js'

const ProbeJson = z.object({
  streams: z
    .array(
      z.object({
        codec_type: z.string().optional(),
        codec_name: z.string().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
        pix_fmt: z.string().optional(),
        r_frame_rate: z.string().optional(),
        nb_frames: z.string().optional(),
        nb_read_frames: z.string().optional(),
        sample_rate: z.string().optional(),
        channels: z.number().optional(),
        duration: z.string().optional(),
      }),
    )
    .default([]),
  format: z.object({ duration: z.string().optional(), format_name: z.string().optional() }).optional(),
})

export interface MediaInfo {
  durationSec: number
  formatName: string
  video?: { codec: string; width: number; height: number; fps: number; pixFmt: string; frames?: number; durationSec?: number }
  audio?: { codec: string; sampleRate: number; channels: number; durationSec?: number }
}

/** ffprobe a file. `countFrames` decodes the video to count frames exactly (slower). */
export async function probeMedia(path: string, opts: { countFrames?: boolean; signal?: AbortSignal } = {}): Promise<MediaInfo> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format']
  if (opts.countFrames) args.push('-count_frames')
  args.push(path)
  const { stdout } = await runFfprobe(args, { signal: opts.signal })
  const j = ProbeJson.parse(JSON.parse(stdout.toString('utf8')))
  const v = j.streams.find((s) => s.codec_type === 'video')
  const a = j.streams.find((s) => s.codec_type === 'audio')
  const num = (s?: string) => (s === undefined ? undefined : Number(s))
  const fps = (r?: string) => {
    if (!r) return 0
    const [n, d] = r.split('/').map(Number)
    return d ? n / d : n
  }
  return {
    durationSec: num(j.format?.duration) ?? 0,
    formatName: j.format?.format_name ?? '',
    video: v
      ? {
          codec: v.codec_name ?? '',
          width: v.width ?? 0,
          height: v.height ?? 0,
          fps: fps(v.r_frame_rate),
          pixFmt: v.pix_fmt ?? '',
          frames: num(v.nb_read_frames) ?? num(v.nb_frames),
          durationSec: num(v.duration),
        }
      : undefined,
    audio: a
      ? { codec: a.codec_name ?? '', sampleRate: num(a.sample_rate) ?? 0, channels: a.channels ?? 0, durationSec: num(a.duration) }
      : undefined,
  }
}
