import { createCanvas, type Canvas, type Image, type SKRSContext2D } from '@napi-rs/canvas'
import type { FrameControl } from '../../../schemas/index.js'
import type { SegmentRequest } from '../types.js'
import { createAbstractRenderer } from './abstract.js'
import { createAmbient } from './ambient.js'
import { cameraAt, layerTransform } from './camera.js'
import { CAPTION_FONT_FAMILY, drawCaptionAt } from './captions.js'
import { css, hexToRgb, hsl, mix } from './colour.js'
import { actionTrack, drawFigure, figureLook, headShare, type FigureLook, type FigurePose } from './figure/index.js'
import { createLyricRenderer } from './lyricShot.js'
import { grainTile, vignette } from './post.js'
import { mixSeed, mulberry32 } from './prng.js'
import { createSilhouettePass } from './silhouette.js'
import { dissolveFrames, reframeTarget, shotCamera } from './transition.js'
import { makeStage, type FrameState, type Layer, type Stage } from './stage.js'
import { buildWorld, type World } from './worlds.js'
import { showInsert } from './insert.js'

export interface ShotRenderer {
  canvas: Canvas
  /** Draws frame i (0-based within the shot) into `canvas`; `captions: false` draws the picture without its caption. */
  renderFrame(i: number, opts?: { captions?: boolean }): void
}

const clamp01 = (v: number) => (Number.isFinite(v) ? Math.max(0, Math.min(1, v)) : 0)

/** Per-frame envelopes computed once: smoothed loudness and a decaying hit accent. */
export function envelopes(controls: FrameControl[], frames: number, motionGain: number): { energy: Float32Array; hit: Float32Array } {
  const energy = new Float32Array(frames)
  const hit = new Float32Array(frames)
  let e = clamp01(controls[0]?.loudness ?? 0)
  let h = 0
  for (let i = 0; i < frames; i++) {
    const c = controls[Math.min(i, controls.length - 1)]
    const l = clamp01(c?.loudness ?? 0)
    // Fast attack, slow release: motion follows swells without jitter.
    e += (l - e) * (l > e ? 0.5 : 0.12)
    h = Math.max(clamp01(c?.hit ?? 0), h * 0.7)
    energy[i] = e
    hit[i] = h * clamp01(motionGain)
  }
  return { energy, hit }
}

function defaultControl(frame: number): FrameControl {
  return { frame, loudness: 0.3, hit: 0, hue: 220, brightness: 0.5, harmonic: 0.5, vocal: 0, sectionIndex: 0, beatPhase: 0, barPhase: 0, onBeat: false, onDownbeat: false }
}

interface PlacedFigure {
  look: FigureLook
  pose: FigurePose
}

/**
 * Where figures stand for a framing: wide = small in the world, medium = full figures, close = one
 * large upper body (its head as large whatever the kind). A walk or run travels across the shot,
 * never further than keeps the figure in frame.
 */
function placeFigures(req: SegmentRequest, stage: Stage, world: World): PlacedFigure[] {
  const { shot } = req
  const chars = shot.framing === 'close' ? req.characters.slice(0, 1) : req.characters
  const n = chars.length
  const L = world.lighting
  const shade = Math.max(0.55, 0.5 + 0.5 * L.ambient)
  const rim = mix(L.light, world.glow.colour, 0.5)
  const rng = mulberry32(mixSeed(req.location.seed, 'placement'))
  const action = shot.action ?? 'perform'
  const track = actionTrack(req.controls, req.frames, shot.seed)
  const dir = mixSeed(shot.seed, 'travel') % 2 === 0 ? 1 : -1
  return chars.map((card, k) => {
    const look = figureLook(card)
    let fx: number
    let feet: number
    let h: number
    if (shot.framing === 'close') {
      fx = rng() < 0.5 ? 0.4 : 0.6
      h = (stage.H * 1.9 * 0.16) / headShare(look)
      feet = 0.12 + h / stage.H
    } else if (shot.framing === 'wide') {
      fx = n === 1 ? 0.5 : 0.3 + (0.4 * k) / (n - 1)
      h = card.shape.height * stage.H * 0.5
      feet = world.groundY
    } else {
      fx = n === 1 ? 0.5 : 0.27 + (0.46 * k) / (n - 1)
      h = card.shape.height * stage.H * 0.95
      feet = world.groundY + 0.03
    }
    const room = Math.max(0, Math.min(fx - 0.14, 0.86 - fx)) * 2
    const want = action === 'run' ? 0.4 : action === 'walk' ? 0.22 : 0
    const travel = dir * Math.min(want, room, shot.framing === 'close' ? 0.05 : 1) * stage.W
    const lightSide = world.glow.x >= fx ? 1 : -1
    return { look, pose: { x: stage.X(fx), y: stage.Y(feet), h, rim, lightSide, shade, action, track, travel } }
  })
}

/**
 * Grain amplitude per unit of style.grain. Fresh noise every frame is what x264 spends its bits on:
 * 0.35 made 720p segments ~28 Mb/s and doubled encode time; 0.12 stays visible at ~4.5 Mb/s.
 */
const GRAIN_STRENGTH = 0.12

export function createShotRenderer(req: SegmentRequest, init?: Image): ShotRenderer {
  if (req.shot.kind === 'lyric') return createLyricRenderer(req, init)
  const { width: W, height: H, shot, style } = req
  const { energy, hit } = envelopes(req.controls, req.frames, shot.motionGain)
  const controlAt = (i: number) => req.controls[Math.min(i, req.controls.length - 1)] ?? defaultControl(shot.startFrame + i)
  if (shot.kind === 'abstract') return createAbstractRenderer(req, { energy, hit }, controlAt)
  const stage = makeStage(W, H)
  const world = buildWorld(stage, req.location)
  if (shot.kind === 'insert') showInsert(req, stage, world)
  // A match cut or continuous move keeps the figures where the previous set-up stood them.
  const prev = req.previousShot
  const reframes = (shot.transition === 'match' || shot.transition === 'continuous') && prev !== undefined && prev.framing !== shot.framing
  const figures = placeFigures(reframes ? { ...req, shot: { ...shot, framing: prev.framing } } : req, stage, world)
  const target = reframes ? reframeTarget(figures, shot.framing, stage) : undefined
  // A continuous move carries the previous shot's clock on, so animation runs through the join.
  const tOffset = reframes && shot.transition === 'continuous' ? (prev.endFrame - prev.startFrame) / req.fps : 0
  const sil = shot.kind === 'silhouette' ? createSilhouettePass(W, H, world.glow.colour, world.lighting.skyTop) : undefined
  const ambient = createAmbient(W, H, mixSeed(req.location.seed, shot.sectionIndex), mix(world.lighting.light, [255, 255, 255], 0.4))
  const blend = shot.transition === 'dissolve' && init ? dissolveFrames(req.fps, req.frames) : 0
  const vig = style.vignette > 0 ? vignette(W, H, style.vignette) : undefined
  const grain = style.grain > 0 ? grainTile(mixSeed(shot.seed, 'grain'), Math.min(1, style.grain * GRAIN_STRENGTH)) : undefined
  // The section's mood colour from the treatment when given, else the style bible cycled by section.
  const stylePal = req.mood ? [hexToRgb(req.mood.colour)] : style.palette.map(hexToRgb)

  const canvas = createCanvas(W, H)
  const ctx = canvas.getContext('2d')
  ctx.imageSmoothingEnabled = true
  ctx.imageSmoothingQuality = 'low'
  const grainPattern = grain ? ctx.createPattern(grain, 'repeat') : null

  const drawLayer = (layer: Layer, f: FrameState, cam: ReturnType<typeof cameraAt>, shake: { x: number; y: number }) => {
    const [s, tx, ty] = layerTransform(cam, layer.depth, stage, shake)
    ctx.setTransform(s, 0, 0, s, tx, ty)
    if (layer.image) {
      const a = layer.image.alpha ? clamp01(layer.image.alpha(f)) : 1
      if (a > 0.004) {
        ctx.globalAlpha = a
        if (layer.image.additive) ctx.globalCompositeOperation = 'lighter'
        ctx.drawImage(layer.image.canvas, 0, layer.image.y0)
        ctx.globalCompositeOperation = 'source-over'
        ctx.globalAlpha = 1
      }
    }
    layer.draw?.(ctx, f)
  }

  const renderFrame = (i: number, opts?: { captions?: boolean }) => {
    const fc = controlAt(i)
    const abs = shot.startFrame + i
    const caption = shot.captions.find((c) => abs >= c.startFrame && abs < c.endFrame)
    // A line can now stay up through a pause: lips move for its first 5 s (as before) or while the voice is there.
    const singing = !!caption && (abs - (caption.lineStartFrame ?? caption.startFrame) < 5 * req.fps || fc.vocal > 0.2)
    const f: FrameState = { i, t: tOffset + i / req.fps, fc, hitEnv: hit[i], energy: energy[i], singing }
    const cam = shotCamera(req, i, target)
    cam.zoom += 0.035 * f.hitEnv
    const jr = mulberry32(mixSeed(shot.seed, 'shake', i))
    const shake = { x: (jr() - 0.5) * 2 * f.hitEnv * H * 0.012, y: (jr() - 0.5) * 2 * f.hitEnv * H * 0.012 }

    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.fillStyle = css(world.lighting.skyTop)
    ctx.fillRect(0, 0, W, H)
    for (const layer of world.layers) drawLayer(layer, f, cam, shake)
    // Motes float behind the figures: they keep quiet music moving without touching a face.
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ambient.draw(ctx, abs / req.fps, Math.max(f.energy, shot.motionGain))
    const [s1, tx1, ty1] = layerTransform(cam, 1, stage, shake)
    if (sil) {
      const cx = figures.length ? figures.reduce((a, g) => a + g.pose.x, 0) / figures.length : stage.X(world.glow.x)
      const cy = figures.length ? figures.reduce((a, g) => a + g.pose.y - 0.55 * g.pose.h, 0) / figures.length : stage.Y(world.glow.y)
      sil.backlight(ctx, cx * s1 + tx1, cy * s1 + ty1, f.energy)
      // Figures reach about half their height sideways (arms, instruments) and a little above the head.
      const box = figures.reduce(
        (b, g) => ({
          x0: Math.min(b.x0, (g.pose.x - 0.6 * g.pose.h) * s1 + tx1),
          x1: Math.max(b.x1, (g.pose.x + 0.6 * g.pose.h) * s1 + tx1),
          y0: Math.min(b.y0, (g.pose.y - 1.25 * g.pose.h) * s1 + ty1),
          y1: Math.max(b.y1, (g.pose.y + 0.05 * g.pose.h) * s1 + ty1),
        }),
        { x0: W, x1: 0, y0: H, y1: 0 },
      )
      const fctx = sil.figures([s1, tx1, ty1], box)
      for (const fig of figures) drawFigure(fctx, fig.look, fig.pose, f)
      sil.composite(ctx)
    } else {
      ctx.setTransform(s1, 0, 0, s1, tx1, ty1)
      for (const fig of figures) drawFigure(ctx, fig.look, fig.pose, f)
    }
    for (const layer of world.foreground) drawLayer(layer, f, cam, shake)

    ctx.setTransform(1, 0, 0, 1, 0, 0)
    lightAndColour(ctx, W, H, world, f, stylePal, cam, shake, stage)
    if (vig) ctx.drawImage(vig, 0, 0)
    if (grainPattern) {
      const gr = mulberry32(mixSeed(shot.seed, 'grain-offset', i))
      const ox = Math.floor(gr() * 192)
      const oy = Math.floor(gr() * 192)
      ctx.setTransform(1, 0, 0, 1, -ox, -oy)
      ctx.fillStyle = grainPattern
      ctx.fillRect(ox, oy, W, H)
      ctx.setTransform(1, 0, 0, 1, 0, 0)
    }
    // Only a planned dissolve blends: a match cut or a continuous move is its own picture from frame 0.
    if (init && i < blend) {
      const a = 1 - i / blend
      ctx.globalAlpha = a * a * (3 - 2 * a)
      ctx.drawImage(init, 0, 0, W, H)
      ctx.globalAlpha = 1
    }
    // Last, over any blend of the previous shot: a caption never dips or ghosts at a cut.
    if (caption && !req.hideCaptions && opts?.captions !== false) {
      drawCaptionAt(ctx, caption, abs, W, H, style.captionFont || CAPTION_FONT_FAMILY, req.captionStyle)
    }
  }
  return { canvas, renderFrame }
}

/** Light and colour from the music: a glow at the light source, a mood/harmony tint, a flash on hits. */
function lightAndColour(
  ctx: SKRSContext2D,
  W: number,
  H: number,
  world: World,
  f: FrameState,
  stylePal: ReturnType<typeof hexToRgb>[],
  cam: ReturnType<typeof cameraAt>,
  shake: { x: number; y: number },
  stage: Stage,
): void {
  const bright = clamp01(f.fc.brightness)
  const [s, tx, ty] = layerTransform(cam, 0.1, stage, shake)
  const gx = stage.X(world.glow.x) * s + tx
  const gy = stage.Y(world.glow.y) * s + ty
  const r = world.glow.radius * H * (0.8 + 0.5 * f.energy)
  const g = ctx.createRadialGradient(gx, gy, 0, gx, gy, r)
  g.addColorStop(0, css(world.glow.colour, 0.1 + 0.3 * f.energy * (0.5 + 0.5 * bright)))
  g.addColorStop(1, css(world.glow.colour, 0))
  ctx.globalCompositeOperation = 'lighter'
  ctx.fillStyle = g
  ctx.fillRect(gx - r, gy - r, 2 * r, 2 * r)
  if (f.hitEnv > 0.02) {
    ctx.fillStyle = css([255, 250, 240], 0.09 * f.hitEnv)
    ctx.fillRect(0, 0, W, H)
  }
  // Section mood colour from the style bible, nudged by the harmony's hue.
  const mood = stylePal[Math.abs(f.fc.sectionIndex) % stylePal.length]
  const tint = mix(mood, hsl(f.fc.hue, 0.7, 0.5), 0.35)
  ctx.globalCompositeOperation = 'soft-light'
  ctx.fillStyle = css(tint, 0.35)
  ctx.fillRect(0, 0, W, H)
  ctx.globalCompositeOperation = 'source-over'
}
