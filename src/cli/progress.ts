import type { RenderEvent, Stage } from '../pipeline/events.js'

/**
 * Draws render progress: one redrawn status line on a terminal (stage, shot k of n, bar, ETA),
 * plain lines at stage changes and every tenth of the work otherwise (CI logs, pipes).
 */
export function makeProgressPrinter(stream: NodeJS.WriteStream, opts: { verbose?: boolean } = {}) {
  const tty = Boolean(stream.isTTY)
  let stage: Stage | undefined
  let lastDecile = -1
  let lineOpen = false
  let shotsDone = 0
  let shotsTotal = 0
  const startedAt = Date.now()

  const clear = () => {
    if (tty && lineOpen) {
      stream.write('\r\x1b[2K')
      lineOpen = false
    }
  }
  const println = (s: string) => {
    clear()
    stream.write(s + '\n')
  }

  return {
    onEvent(e: RenderEvent) {
      switch (e.type) {
        case 'stage':
          if (e.stage !== stage) {
            stage = e.stage
            lastDecile = -1
            if (e.stage !== 'done') println(`▸ ${e.stage}`)
          }
          break
        case 'progress': {
          if (e.shotsTotal) {
            shotsTotal = e.shotsTotal
            shotsDone = e.shotsDone ?? shotsDone
          }
          const pct = Math.round(e.fraction * 100)
          const shots = e.stage === 'generating' && shotsTotal ? ` shot ${Math.min(shotsDone + 1, shotsTotal)} of ${shotsTotal}` : ''
          const eta = e.etaSec !== undefined && Number.isFinite(e.etaSec) ? ` ETA ${formatDuration(e.etaSec)}` : ''
          if (tty) {
            const width = 24
            const filled = Math.round(e.fraction * width)
            stream.write(`\r\x1b[2K  ${e.stage}${shots} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${pct}%${eta}`)
            lineOpen = true
          } else {
            const decile = Math.floor(e.fraction * 10)
            if (decile > lastDecile) {
              lastDecile = decile
              println(`  ${e.stage}${shots} ${pct}%${eta}`)
            }
          }
          break
        }
        case 'shot':
          if (e.status === 'rejected') println(`  shot ${e.index + 1}/${e.total} attempt ${e.attempt + 1} rejected (score ${e.score?.toFixed(2)}): ${e.critique ?? ''}`)
          else if (opts.verbose && e.status !== 'generating') println(`  shot ${e.index + 1}/${e.total} ${e.status}${e.score !== undefined ? ` (score ${e.score.toFixed(2)})` : ''}`)
          break
        case 'log':
          if (e.level !== 'info' || opts.verbose) println(`  ${e.level === 'info' ? '' : e.level + ': '}${e.message}`)
          break
      }
    },
    done() {
      clear()
      return (Date.now() - startedAt) / 1000
    },
  }
}

export function formatDuration(sec: number): string {
  const s = Math.max(0, Math.round(sec))
  const m = Math.floor(s / 60)
  return `${m}:${String(s % 60).padStart(2, '0')}`
}
