/**
 * Geometric resampling of RGB24 pictures for the Deforum-style animation: the per-frame 2D
 * camera warp, and the scale-and-crop from the diffusion size to the output size. Pure;
 * bilinear sampling; outside the picture the border pixel is repeated.
 */

/**
 * One frame's 2D camera move, in Deforum's terms (its `zoom`, `angle`, `translation_x/y`
 * schedules): zoom > 1 pushes in, angle is in degrees counter-clockwise as seen on screen,
 * translation moves the picture by that many pixels (x right, y down).
 */
export interface Warp2d {
  zoom: number
  angle: number
  tx: number
  ty: number
}

export const IDENTITY_WARP: Readonly<Warp2d> = Object.freeze({ zoom: 1, angle: 0, tx: 0, ty: 0 })

/**
 * Bilinear sample of channel `c` at (x, y) in pixel-centre coordinates (pixel i covers
 * [i − ½, i + ½]); coordinates are clamped to the picture, which repeats its border.
 */
function sample(src: Uint8Array, width: number, height: number, x: number, y: number, out: Uint8Array, o: number): void {
  const cx = x < 0 ? 0 : x > width - 1 ? width - 1 : x
  const cy = y < 0 ? 0 : y > height - 1 ? height - 1 : y
  const x0 = Math.floor(cx)
  const y0 = Math.floor(cy)
  const x1 = x0 + 1 < width ? x0 + 1 : x0
  const y1 = y0 + 1 < height ? y0 + 1 : y0
  const fx = cx - x0
  const fy = cy - y0
  const a = (y0 * width + x0) * 3
  const b = (y0 * width + x1) * 3
  const c = (y1 * width + x0) * 3
  const d = (y1 * width + x1) * 3
  for (let k = 0; k < 3; k++) {
    const top = src[a + k] + (src[b + k] - src[a + k]) * fx
    const bottom = src[c + k] + (src[d + k] - src[c + k]) * fx
    out[o + k] = Math.round(top + (bottom - top) * fy)
  }
}

/**
 * Deforum's `anim_frame_warp_2d`: the forward map is M = R·T with T the translation (tx, ty)
 * and R OpenCV's getRotationMatrix2D(centre, angle, zoom), i.e. p' = c + A·(p + t − c) with
 * A = zoom·[[cos θ, sin θ], [−sin θ, cos θ]] in image coordinates (y down). Each output pixel p'
 * samples the input at M⁻¹(p') = c + A⁻¹(p' − c) − t. The centre is the geometric centre
 * ((W − 1)/2, (H − 1)/2) in pixel-centre coordinates, so a half turn maps the picture exactly
 * onto itself rotated (Deforum uses the pixel W//2, half a pixel off).
 */
export function warpRgb(src: Uint8Array, width: number, height: number, warp: Warp2d, out?: Uint8Array): Uint8Array {
  const n = width * height * 3
  if (src.length !== n) throw new RangeError(`picture must be RGB24 ${width}×${height} (${n} bytes), got ${src.length}`)
  if (!(warp.zoom > 0) || ![warp.angle, warp.tx, warp.ty].every(Number.isFinite)) throw new RangeError(`bad warp ${JSON.stringify(warp)}`)
  const dst = out ?? new Uint8Array(n)
  if (dst === src) throw new RangeError('warpRgb cannot work in place')
  if (warp.zoom === 1 && warp.angle === 0 && warp.tx === 0 && warp.ty === 0) {
    dst.set(src)
    return dst
  }
  const theta = (warp.angle * Math.PI) / 180
  // A⁻¹ = (1/zoom)·[[cos, −sin], [sin, cos]]
  const ic = Math.cos(theta) / warp.zoom
  const is = Math.sin(theta) / warp.zoom
  const cx = (width - 1) / 2
  const cy = (height - 1) / 2
  for (let y = 0; y < height; y++) {
    const dy = y - cy
    for (let x = 0; x < width; x++) {
      const dx = x - cx
      const sx = cx + ic * dx - is * dy - warp.tx
      const sy = cy + is * dx + ic * dy - warp.ty
      sample(src, width, height, sx, sy, dst, (y * width + x) * 3)
    }
  }
  return dst
}

/**
 * Scales a picture to cover `dw × dh` (the larger of the two ratios) and crops the centre, so the
 * output is filled without distortion. Bilinear, meant for modest ratios (the diffusion size is
 * within a few percent of the output's aspect and at most a few times smaller).
 */
export function resizeCover(src: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  if (src.length !== sw * sh * 3) throw new RangeError(`picture must be RGB24 ${sw}×${sh}, got ${src.length} bytes`)
  if (sw === dw && sh === dh) return Uint8Array.from(src)
  const s = Math.max(dw / sw, dh / sh)
  const ox = (sw - dw / s) / 2
  const oy = (sh - dh / s) / 2
  const dst = new Uint8Array(dw * dh * 3)
  for (let y = 0; y < dh; y++) {
    const sy = oy + (y + 0.5) / s - 0.5
    for (let x = 0; x < dw; x++) sample(src, sw, sh, ox + (x + 0.5) / s - 0.5, sy, dst, (y * dw + x) * 3)
  }
  return dst
}
