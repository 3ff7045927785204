/**
 * Rational frame rates and SMPTE timecode. Editors hold 29.97 as 30000/1001, never as a decimal:
 * a rounded rate drifts a frame every ~33 s. Pure.
 */

export interface Rational {
  num: number
  den: number
}

/** The NTSC rates by their usual decimal names; anything else near an integer is that integer. */
const NTSC: Array<[number, Rational]> = [
  [23.976, { num: 24000, den: 1001 }],
  [29.97, { num: 30000, den: 1001 }],
  [47.952, { num: 48000, den: 1001 }],
  [59.94, { num: 60000, den: 1001 }],
]

/** 30 → 30/1, 29.97 (or 30000/1001 as a float) → 30000/1001, 23.976 → 24000/1001, 59.94 → 60000/1001. */
export function rationalFps(fps: number | Rational): Rational {
  if (typeof fps !== 'number') return reduce(fps)
  if (!(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`frame rate must be positive, got ${fps}`)
  for (const [name, r] of NTSC) if (Math.abs(fps - name) < 0.0015 || Math.abs(fps - r.num / r.den) < 1e-6) return r
  if (Math.abs(fps - Math.round(fps)) < 1e-6) return { num: Math.round(fps), den: 1 }
  // Any other rate: a millisecond-exact fraction (rare; editors will accept it).
  return reduce({ num: Math.round(fps * 1000), den: 1000 })
}

export function reduce(r: Rational): Rational {
  const g = gcd(r.num, r.den)
  return { num: r.num / g, den: r.den / g }
}

function gcd(a: number, b: number): number {
  return b === 0 ? Math.abs(a) : gcd(b, a % b)
}

export function fpsValue(r: Rational): number {
  return r.num / r.den
}

/** Seconds of frame n as an exact fraction n·den/num (numerator, denominator), reduced. */
export function frameTime(frame: number, fps: Rational): Rational {
  return reduce({ num: frame * fps.den, den: fps.num })
}

/** The nominal timecode base: 30 for 29.97, 24 for 23.976. */
export function timecodeBase(fps: Rational): number {
  return Math.round(fps.num / fps.den)
}

/** Drop-frame timecode applies to 29.97 and 59.94 only (SMPTE 12M). */
export function isDropFrame(fps: Rational): boolean {
  return fps.den === 1001 && (fps.num === 30000 || fps.num === 60000)
}

/**
 * SMPTE timecode of frame n: HH:MM:SS:FF, or HH:MM:SS;FF in drop-frame, where frame numbers
 * 0 and 1 (2 and 3 at 59.94) are skipped at the start of every minute but each tenth. The frame
 * count itself is exact; only the label skips, which is what keeps the label on the wall clock.
 */
export function smpteTimecode(frame: number, fps: Rational, dropFrame = isDropFrame(fps)): string {
  if (!Number.isInteger(frame) || frame < 0) throw new RangeError(`timecode of a negative or fractional frame: ${frame}`)
  const base = timecodeBase(fps)
  let n = frame
  if (dropFrame) {
    const drop = base === 60 ? 4 : 2
    const perMinute = base * 60 - drop
    const perTen = base * 600 - drop * 9
    const tens = Math.floor(n / perTen)
    const rest = n % perTen
    n += drop * 9 * tens + (rest < drop ? 0 : drop * Math.floor((rest - drop) / perMinute))
  }
  const ff = n % base
  const totalSec = Math.floor(n / base)
  const pad = (v: number) => String(v).padStart(2, '0')
  const hh = Math.floor(totalSec / 3600) % 24
  return `${pad(hh)}:${pad(Math.floor(totalSec / 60) % 60)}:${pad(totalSec % 60)}${dropFrame ? ';' : ':'}${pad(ff)}`
}

/** The frame a SMPTE timecode names (inverse of smpteTimecode; ';' before the frames reads as drop frame). */
export function timecodeToFrame(tc: string, fps: Rational): number {
  const m = /^(\d{1,2}):(\d{2}):(\d{2})([:;.,])(\d{2,3})$/.exec(tc)
  if (!m) throw new RangeError(`'${tc}' is not a timecode like 00:01:00:02 or 00:01:00;02`)
  const [hh, mm, ss, ff] = [m[1], m[2], m[3], m[5]].map(Number)
  const base = timecodeBase(fps)
  if (mm > 59 || ss > 59 || ff >= base) throw new RangeError(`'${tc}' is not a timecode at ${fps.num}/${fps.den} fps`)
  const minutes = hh * 60 + mm
  const drop = m[4] === ';' ? (base === 60 ? 4 : 2) : 0
  return (minutes * 60 + ss) * base + ff - drop * (minutes - Math.floor(minutes / 10))
}

/**
 * A time as MLT writes it: whole frames ("120"), a clock ("00:00:04.004", what Shotcut saves),
 * or SMPTE ("00:00:04:00", "00:00:04;00"); as a frame at this rate.
 */
export function mltTimeToFrame(s: string, fps: Rational): number {
  if (/^\d+$/.test(s)) return Number(s)
  const clock = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(s)
  if (clock) return Math.round(((Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3])) * fps.num) / fps.den)
  return timecodeToFrame(s, fps)
}
