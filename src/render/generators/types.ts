import type { CaptionStyle, CharacterCard, FrameControl, LocationCard, Segment, SectionMood, Shot, StyleBible } from '../../schemas/index.js'

/** Everything a generator needs to render one shot; paths are absolute. */
export interface SegmentRequest {
  shot: Shot
  fps: number
  width: number
  height: number
  /** endFrame - startFrame of the shot: the segment must have exactly this many frames. */
  frames: number
  attempt: number
  style: StyleBible
  /** The treatment's mood for the shot's section (colour, intensity), when there is one. */
  mood?: SectionMood
  location: LocationCard
  characters: CharacterCard[]
  /** One entry per output frame of the shot, in order. */
  controls: FrameControl[]
  /**
   * The song's span for this shot (for audio-conditioned generators). `vocalsPath`: the song's
   * separated vocal stream (same timeline), when a separation wrote one: what a lip-sync model hears.
   */
  audio: { path: string; startSec: number; endSec: number; vocalsPath?: string }
  /** Draw no caption text (the shot's captions still time the performance). */
  hideCaptions?: boolean
  /** Keep a caption-free still (bare-<song frame>.png beside the stills) per caption line: a batch base's text check reads them. */
  bareStills?: boolean
  /** How captions look (the brief's captionStyle); absent: the default look. */
  captionStyle?: CaptionStyle
  /** Previous shot's last frame (PNG) when the shot continues it. */
  initKeyframe?: string
  /** A frame (PNG) the shot should end on, when one is known (first/last-frame workflows aim at it). */
  endKeyframe?: string
  /** The shot before, when this one is a match cut or a continuous move on from it (same figures, same place). */
  previousShot?: Shot
  /** Reference keyframes (PNG) per entity id. */
  referenceKeyframes: Record<string, string[]>
  /** Where to write: the video file and the keyframe PNGs. */
  out: { video: string; firstFrame: string; lastFrame: string; keyFrame: string }
}

export interface GeneratorCapabilities {
  audioConditioned: boolean
  keyframeIn: boolean
  referenceImages: boolean
  maxFrames: number
  /** Sizes the backend can produce; undefined means any even size. */
  sizes?: Array<{ width: number; height: number }>
}

export interface GenerateContext {
  signal: AbortSignal
  /** Fraction of this segment done, 0..1. */
  onProgress(p: number): void
}

export interface SegmentGenerator {
  id: string
  capabilities: GeneratorCapabilities
  /**
   * The request as this generator will see it (a router: as the shot's backend will): what a
   * segment's store key is made of, so a reference keyframe it never reads cannot change the key.
   */
  adapt?<R extends Pick<SegmentRequest, 'shot' | 'mood' | 'audio' | 'initKeyframe' | 'referenceKeyframes' | 'width' | 'height'>>(req: R): R
  generate(req: SegmentRequest, ctx: GenerateContext): Promise<Segment>
}
