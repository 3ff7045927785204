/**
 * The text check's frame sampler, with the real ffmpeg: frames reached by a seek to the keyframe
 * before each are the very frames a full decode gives (bit for bit), including frames just before
 * and after a keyframe and on B-frames; frames forced to keyframes in the variant's encode are
 * keyframes of the file, so a seek there decodes one frame.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forceKeyFrameArgs } from '../src/batch/assembleOptions.js'
import { decodeSampledFrames, readKeyframes, seekCost } from '../src/batch/sampleDecode.js'
import { decodeFrames, runFfmpeg } from '../src/ffmpeg/index.js'
import { makeTempDir, type TempDir } from './helpers/syntheticVideo.js'

const W = 160
const H = 96
const FPS = 12
const TOTAL = 96
const FORCED = [17, 40, 41, 77]

let tmp: TempDir
let video: string
beforeAll(async () => {
  tmp = makeTempDir('longav-samples-')
  video = tmp.file('v.mp4')
  // A moving test pattern with grain (every frame differs), B-frames, keyframes forced as the variant encode does.
  await runFfmpeg(['-f', 'lavfi', '-i', `testsrc2=s=${W}x${H}:r=${FPS},noise=alls=20:allf=t`, '-frames:v', String(TOTAL), '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-g', '250', '-bf', '3', ...forceKeyFrameArgs(FORCED, FPS), '-pix_fmt', 'yuv420p', video])
})
afterAll(() => tmp.cleanup())

describe('sampled frames', () => {
  it('forced frames are keyframes of the file, and nothing else but the first frame is', async () => {
    const keys = await readKeyframes(video, FPS)
    expect(keys.map((k) => k.frame)).toEqual([0, ...FORCED])
    expect(seekCost(40, keys)).toBe(1)
    expect(seekCost(39, keys)).toBe(23)
    expect(seekCost(95, keys)).toBe(19)
  })

  it('gives exactly the frames of a full decode, each by its own seek', async () => {
    const all: Uint8Array[] = []
    await decodeFrames(video, { width: W, height: H, format: 'rgb24' }, (f) => all.push(f.slice()))
    expect(all.length).toBe(TOTAL)
    const keys = await readKeyframes(video, FPS)
    const wanted = [0, 1, 16, 17, 18, 39, 40, 41, 42, 60, 76, 77, 78, 94, 95]
    const got = await decodeSampledFrames(video, [...wanted, TOTAL + 5], { width: W, height: H, fps: FPS, keyframes: keys })
    expect([...got.keys()].sort((a, b) => a - b)).toEqual(wanted)
    for (const i of wanted) expect(Buffer.compare(Buffer.from(got.get(i)!), Buffer.from(all[i])), `frame ${i}`).toBe(0)
    // Neighbouring frames differ (grain), so a frame off by one would have been caught.
    expect(Buffer.compare(Buffer.from(all[40]), Buffer.from(all[41]))).not.toBe(0)
  })
})
