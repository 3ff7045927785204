import type { BatchEvent, BatchResult } from '../index.js'
import { formatDuration, makeProgressPrinter } from './progress.js'

/**
 * Batch progress: the base renders' progress as a render's (tagged with their format), then a
 * line per variant with its place in the batch, its time and the batch's ETA.
 */
export function makeBatchPrinter(stream: NodeJS.WriteStream, opts: { verbose?: boolean } = {}) {
  const render = makeProgressPrinter(stream, opts)
  // Bases rendering at once (each in its process) report separately: shown as one line, shots summed.
  const active = new Map<string, { fraction: number; etaSec?: number; shotsDone: number; shotsTotal: number }>()
  const println = (s: string) => {
    render.done()
    stream.write(s + '\n')
  }
  return {
    onEvent(e: BatchEvent) {
      switch (e.type) {
        case 'base':
          if (e.status === 'done') active.delete(e.format)
          else active.set(e.format, { fraction: 0, shotsDone: 0, shotsTotal: 0 })
          if (e.status !== 'done') println(`▸ ${e.status === 'rendering' ? 'rendering' : 'reframing'} the ${e.format} base (${e.index} of ${e.total})`)
          break
        case 'variant': {
          const at = `variant ${e.index}/${e.total} ${e.name}`
          if (e.status === 'making') println(`▸ ${at}${e.etaSec !== undefined ? ` (batch ETA ${formatDuration(e.etaSec)})` : ''}`)
          else if (e.status === 'kept') println(`  ${at}: kept from the earlier run`)
          else if (e.status === 'done') println(`  ${at}: done in ${formatDuration(e.wallSec ?? 0)}`)
          else println(`  ${at}: FAILED: ${e.error ?? ''}`)
          break
        }
        case 'progress':
          if (e.format && active.size > 1 && active.has(e.format) && e.stage === 'generating') {
            active.set(e.format, { fraction: e.fraction, etaSec: e.etaSec, shotsDone: e.shotsDone ?? 0, shotsTotal: e.shotsTotal ?? 0 })
            const all = [...active.values()]
            const etas = all.map((a) => a.etaSec).filter((x): x is number => x !== undefined)
            render.onEvent({
              type: 'progress',
              stage: 'generating',
              fraction: all.reduce((t, a) => t + a.fraction, 0) / all.length,
              shotsDone: all.reduce((t, a) => t + a.shotsDone, 0),
              shotsTotal: all.reduce((t, a) => t + a.shotsTotal, 0),
              ...(etas.length === all.length ? { etaSec: Math.max(...etas) } : {}),
            })
          } else render.onEvent(e)
          break
        default:
          render.onEvent(e)
      }
    },
    done: () => render.done(),
  }
}

/** Each variant's cost and checks, and the batch total. */
export function batchSummaryLines(result: BatchResult): string[] {
  const m = result.manifest
  const lines = m.variants.map((v) => {
    const len = v.length === 'full' ? 'full' : `${v.length}s`
    const checks = v.checks.length ? `${v.checks.filter((c) => c.passed).length}/${v.checks.length} checks` : 'no checks'
    const cost = `${formatDuration(v.cost.wallSec)}, ${v.cost.shotsGenerated} shots made, ${v.cost.shotsReused} reused`
    return `  ${v.status === 'ok' ? '✓' : '✗'} ${v.name}  ${v.format.width}x${v.format.height} ${len}  ${checks}  ${cost}${v.error ? `  — ${v.error}` : ''}`
  })
  const failed = m.variants.filter((v) => v.status === 'failed').length
  lines.push(
    `${m.variants.length - failed} of ${m.variants.length} variants made in ${formatDuration(m.total.wallSec)} (${m.total.shotsGenerated} shots made, ${m.total.shotsReused} reused); ` +
      `gallery: ${result.files.gallery}`,
  )
  return lines
}
