/**
 * timeline.edl: CMX 3600, the edit list every editor reads (Premiere, Resolve, Avid). One video
 * event per shot (reel SHOT01…, source in/out from the segment's frame 0, record in/out on the
 * timeline), then the song as one stereo audio event (AA). Timecodes are drop-frame at 29.97 and
 * 59.94 (FCM: DROP FRAME, ';' before the frames), else non-drop; out points are exclusive, as
 * CMX 3600 counts them. Record time starts at 00:00:00:00 like the other formats. Overlays
 * (a variant's texts) have no place in a one-track list: comment lines name them. Pure.
 */
import { isDropFrame, smpteTimecode, type Rational } from './rate.js'
import { sourceSpan, type Timeline } from './model.js'

/** Reel names are at most 8 characters of A-Z, 0-9 (CMX 3600). */
export function reelName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 8) || 'AX'
}

function event(n: number, reel: string, channel: string, src: [number, number], rec: [number, number], fps: Rational): string {
  const tc = (f: number) => smpteTimecode(f, fps)
  return `${String(n).padStart(3, '0')}  ${reel.padEnd(8)} ${channel.padEnd(5)} C        ${tc(src[0])} ${tc(src[1])} ${tc(rec[0])} ${tc(rec[1])}`
}

export function writeEdl(t: Timeline): string {
  const title = t.title.replace(/[\r\n]+/g, ' ').trim() || 'longav'
  const lines = [`TITLE: ${title}`, `FCM: ${isDropFrame(t.fps) ? 'DROP FRAME' : 'NON-DROP FRAME'}`, '']
  t.clips.forEach((c, i) => {
    const frames = c.endFrame - c.startFrame
    const { sourceIn } = sourceSpan(c)
    lines.push(event(i + 1, reelName(c.name), 'V', [sourceIn, sourceIn + frames], [c.startFrame, c.endFrame], t.fps))
    lines.push(`* FROM CLIP NAME: ${c.name}.mp4`, `* SOURCE FILE: ${c.source}`, '')
  })
  lines.push(event(t.clips.length + 1, 'SONG', 'AA', [0, t.totalFrames], [0, t.totalFrames], t.fps))
  lines.push(`* FROM CLIP NAME: ${t.song.name}`, `* SOURCE FILE: ${t.song.source}`, '')
  // CMX 3600 has one picture track: the stills over it are named for the editor, not placed.
  for (const o of t.overlays ?? []) lines.push(`* OVERLAY ${o.name}: ${o.source} ${smpteTimecode(o.startFrame, t.fps)} ${smpteTimecode(o.endFrame, t.fps)}`)
  return lines.join('\n')
}
