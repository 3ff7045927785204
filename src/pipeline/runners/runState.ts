/** What a render keeps on disk while it runs: the machine's snapshot and the run log. */
import { appendFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { Snapshot } from 'xstate'
import { z } from 'zod'
import { writeJsonAtomic } from '../../util/files.js'
import type { RenderEvent, Stage } from '../events.js'
import type { RunDir } from '../runDir.js'

/** The render machine's snapshot as this version writes it (an older shape is not restored: its steps are redone, or store hits). */
const PersistedRender = z.looseObject({
  value: z.string(),
  context: z.looseObject({ songPath: z.string(), shots: z.array(z.unknown()), started: z.array(z.number()), results: z.record(z.string(), z.unknown()) }),
})

export async function loadSnapshot(runDir: RunDir): Promise<Snapshot<unknown> | undefined> {
  try {
    const raw: unknown = JSON.parse(await readFile(runDir.snapshot, 'utf8'))
    return PersistedRender.safeParse(raw).success ? (raw as Snapshot<unknown>) : undefined
  } catch {
    return undefined
  }
}

/** Saves the latest snapshot after each transition; writes never overlap and bursts coalesce. */
export function makeSnapshotSaver(runDir: RunDir, get: () => unknown, onError: (err: unknown) => void) {
  let chain = Promise.resolve()
  let queued = false
  return {
    save() {
      if (queued) return
      queued = true
      chain = chain.then(async () => {
        queued = false
        await writeJsonAtomic(runDir.snapshot, get())
      }).catch(onError)
    },
    flush: () => chain,
  }
}

export function openRunLog(runDir: RunDir, onError: (err: unknown) => void): (e: RenderEvent) => void {
  let lastStage: Stage | undefined
  return (e) => {
    let line: string | undefined
    if (e.type === 'log') line = `${e.level.toUpperCase()} ${e.message}`
    else if (e.type === 'stage' && e.stage !== lastStage) line = `STAGE ${(lastStage = e.stage)}`
    else if (e.type === 'shot' && e.status !== 'generating')
      line = `SHOT ${e.index + 1}/${e.total} attempt ${e.attempt} ${e.status}${e.score !== undefined ? ` score ${e.score.toFixed(3)}` : ''}${e.critique ? `: ${e.critique}` : ''}`
    if (!line) return
    try {
      appendFileSync(runDir.log, `${new Date().toISOString()} ${line}\n`)
    } catch (err) {
      onError(err)
    }
  }
}

