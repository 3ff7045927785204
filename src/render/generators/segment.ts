import type { Segment } from '../../schemas/index.js'
import type { SegmentRequest } from './types.js'

/** The segment a generator hands back once it has written `req.out`: every generator's last step. */
export function segmentFor(req: SegmentRequest, generator: string): Segment {
  return {
    shotIndex: req.shot.index,
    attempt: req.attempt,
    generator,
    path: req.out.video,
    frames: req.frames,
    firstFrame: req.out.firstFrame,
    lastFrame: req.out.lastFrame,
    keyFrame: req.out.keyFrame,
  }
}
