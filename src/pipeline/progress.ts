import type { RenderEvent } from './events.js'

/** Frame-weighted progress and ETA of the generating stage, throttled to a few events a second. */
export function generationProgress(emit: (e: RenderEvent) => void) {
  let shotFrames: number[] = []
  let totalFrames = 0
  let shotsDone = 0
  const perShot = new Map<number, number>()
  let startedAt = 0
  let doneAtStart = 0
  let lastEmit = 0
  const framesDone = () => [...perShot.values()].reduce((a, b) => a + b, 0)
  function send(force = false) {
    const now = Date.now()
    if (!force && now - lastEmit < 250) return
    lastEmit = now
    const done = framesDone()
    const fraction = totalFrames ? done / totalFrames : 0
    const rate = (done - doneAtStart) / Math.max(1e-3, (now - startedAt) / 1000)
    const etaSec = rate > 0 && done - doneAtStart > 0 ? (totalFrames - done) / rate : undefined
    emit({ type: 'progress', stage: 'generating', fraction, etaSec, shotsDone, shotsTotal: shotFrames.length })
  }
  return {
    /** The frames of every shot, once the plan is known (or restored). */
    start(frames: number[]) {
      shotFrames = frames
      totalFrames = frames.reduce((a, b) => a + b, 0)
      startedAt = Date.now()
    },
    get started() {
      return startedAt > 0
    },
    shotFraction(index: number, fraction: number) {
      const before = perShot.get(index) ?? 0
      const now = Math.round((shotFrames[index] ?? 0) * Math.min(1, Math.max(0, fraction)))
      perShot.set(index, Math.max(before, now))
      // Stored shots cost nothing: don't let them inflate the rate behind the ETA.
      if (fraction >= 1 && before === 0) doneAtStart += now
      send()
    },
    shotDone(done: number) {
      shotsDone = done
      send(true)
    },
  }
}
