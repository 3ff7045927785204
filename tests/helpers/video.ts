import { spawnSync } from 'node:child_process'
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

/** MD5 of every decoded frame, in order (ffmpeg's framemd5): compare two renders frame by frame. */
export function frameMd5s(path: string): string[] {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', path, '-map', '0:v:0', '-f', 'framemd5', '-'], { encoding: 'utf8', maxBuffer: 64 << 20 })
  if (r.status !== 0) throw new Error(`framemd5 of ${path} failed: ${r.stderr}`)
  return r.stdout
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(',').pop()!.trim())
}
