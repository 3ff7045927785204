import { runFfmpeg } from '../../src/ffmpeg/index.js'

/** Frames where ffmpeg's scene-change score exceeds `threshold` (a cut detector independent of the plan). */
export async function detectCuts(path: string, fps: number, threshold = 0.3): Promise<number[]> {
  const frames: number[] = []
  await runFfmpeg(['-i', path, '-map', '0:v:0', '-vf', `select='gt(scene,${threshold})',showinfo`, '-f', 'null', '-'], {
    onStderrLine: (line) => {
      const m = /showinfo.*pts_time:\s*([\d.]+)/.exec(line)
      if (m) frames.push(Math.round(Number(m[1]) * fps))
    },
  })
  return frames
}

/** MD5 of the decoded video frames: equal when two files show exactly the same pictures. */
export async function videoMd5(path: string): Promise<string> {
  const { stdout } = await runFfmpeg(['-i', path, '-map', '0:v:0', '-f', 'md5', '-'], { captureStdout: true })
  return stdout.toString().trim()
}
