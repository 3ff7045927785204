import { z } from 'zod'
import { runFfprobe } from './run.js'

/** ffprobe's JSON (-show_streams -show_format): the fields longav reads, for every prober. */
export const ProbeJson = z.object({
  streams: z
    .array(
      z.object({
        codec_type: z.string().optional(),
        codec_name: z.string().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
        pix_fmt: z.string().optional(),
        r_frame_rate: z.string().optional(),
        avg_frame_rate: z.string().optional(),
        nb_frames: z.string().optional(),
        nb_read_frames: z.string().optional(),
        nb_read_packets: z.string().optional(),
        sample_rate: z.string().optional(),
        channels: z.number().optional(),
        duration: z.string().optional(),
        sample_aspect_ratio: z.string().optional(),
        tags: z.record(z.string(), z.string()).optional(),
        side_data_list: z.array(z.object({ rotation: z.number().optional() }).passthrough()).optional(),
        disposition: z.object({ attached_pic: z.number().optional() }).passthrough().optional(),
      }),
    )
    .default([]),
  format: z.object({ duration: z.string().optional(), format_name: z.string().optional() }).optional(),
})
export type ProbeJson = z.infer<typeof ProbeJson>

export interface ProbeOptions {
  countFrames?: boolean
  countPackets?: boolean
  signal?: AbortSignal
}

/**
 * ffprobe's validated JSON for a file. `countFrames` decodes the video to count frames exactly
 * (slower); `countPackets` counts the stored frames without decoding them (one packet per frame).
 */
export async function probeJson(path: string, opts: ProbeOptions = {}): Promise<ProbeJson> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format']
  if (opts.countFrames) args.push('-count_frames')
  else if (opts.countPackets) args.push('-count_packets')
  args.push(path)
  const { stdout } = await runFfprobe(args, { signal: opts.signal })
  return ProbeJson.parse(JSON.parse(stdout.toString('utf8')))
}

/** A frame rate like "30000/1001" as a number; 0 when absent or not a positive number. */
export function frameRate(r?: string): number {
  if (!r) return 0
  const [n, d] = r.split('/').map(Number)
  const v = d ? n / d : n
  return Number.isFinite(v) && v > 0 ? v : 0
}

export interface MediaInfo {
  durationSec: number
  formatName: string
  video?: { codec: string; width: number; height: number; fps: number; pixFmt: string; frames?: number; durationSec?: number }
  audio?: { codec: string; sampleRate: number; channels: number; durationSec?: number }
}

/** ffprobe a file. `countFrames` decodes the video to count frames exactly (slower). */
export async function probeMedia(path: string, opts: ProbeOptions = {}): Promise<MediaInfo> {
  const j = await probeJson(path, opts)
  const v = j.streams.find((s) => s.codec_type === 'video')
  const a = j.streams.find((s) => s.codec_type === 'audio')
  const num = (s?: string) => (s === undefined ? undefined : Number(s))
  return {
    durationSec: num(j.format?.duration) ?? 0,
    formatName: j.format?.format_name ?? '',
    video: v
      ? {
          codec: v.codec_name ?? '',
          width: v.width ?? 0,
          height: v.height ?? 0,
          fps: frameRate(v.r_frame_rate),
          pixFmt: v.pix_fmt ?? '',
          frames: num(v.nb_read_frames) ?? num(v.nb_read_packets) ?? num(v.nb_frames),
          durationSec: num(v.duration),
        }
      : undefined,
    audio: a
      ? { codec: a.codec_name ?? '', sampleRate: num(a.sample_rate) ?? 0, channels: a.channels ?? 0, durationSec: num(a.duration) }
      : undefined,
  }
}
