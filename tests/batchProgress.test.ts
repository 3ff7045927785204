// Two bases rendering at once (two processes) are shown as one progress line with their shots summed.
import { describe, expect, it } from 'vitest'
import { makeBatchPrinter } from '../src/cli/batchProgress.js'
import type { BatchEvent } from '../src/index.js'

function capture(tty: boolean) {
  const out: string[] = []
  const stream = { isTTY: tty, write: (s: string) => (out.push(s), true) } as unknown as NodeJS.WriteStream
  return { stream, text: () => out.join('') }
}

describe('batch progress with two bases at once', () => {
  it('sums shots of the active bases and takes the later ETA', () => {
    const c = capture(true)
    const p = makeBatchPrinter(c.stream)
    const events: BatchEvent[] = [
      { type: 'base', format: '1280x720', index: 1, total: 3, status: 'rendering' },
      { type: 'base', format: '720x1280', index: 2, total: 3, status: 'rendering' },
      { type: 'progress', stage: 'generating', fraction: 0.5, etaSec: 40, shotsDone: 12, shotsTotal: 24, format: '1280x720' },
      { type: 'progress', stage: 'generating', fraction: 0.25, etaSec: 90, shotsDone: 6, shotsTotal: 24, format: '720x1280' },
    ]
    for (const e of events) p.onEvent(e)
    const last = c.text().split('\r\x1b[2K').pop()!
    expect(last).toContain('generating shot 19 of 48')
    expect(last).toContain('38%')
    expect(last).toContain('ETA 1:30')
  })

  it('shows one base as a render once the other is done', () => {
    const c = capture(true)
    const p = makeBatchPrinter(c.stream)
    p.onEvent({ type: 'base', format: 'a', index: 1, total: 2, status: 'rendering' })
    p.onEvent({ type: 'base', format: 'b', index: 2, total: 2, status: 'rendering' })
    p.onEvent({ type: 'base', format: 'a', index: 1, total: 2, status: 'done' })
    p.onEvent({ type: 'progress', stage: 'generating', fraction: 0.5, shotsDone: 3, shotsTotal: 10, format: 'b' })
    expect(c.text().split('\r\x1b[2K').pop()).toContain('generating shot 4 of 10')
  })
})
