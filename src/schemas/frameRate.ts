import { z } from 'zod'
import { renderRate } from '../time.js'

/**
 * A render's frame rate: a whole number 1–120 or an NTSC rate held exactly (29.97 is
 * 30000/1001, see renderRate; the brief and the CLI turn "29.97" into it before this check).
 */
export const FrameRate = z
  .number()
  .refine((v) => renderRate(v) === v, 'a whole number of frames per second from 1 to 120, or 23.976, 29.97, 47.952 or 59.94')
