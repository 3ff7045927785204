import { existsSync, readFileSync, statSync, type Stats } from 'node:fs'
import { basename, resolve } from 'node:path'
import type { z } from 'zod'
import { InputError } from '../../errors.js'
import { ShotMemory } from '../../memory/index.js'
import { Analysis, ShotPlan, Treatment, VideoScore } from '../../schemas/index.js'
import type { RunDir } from '../runDir.js'
import type { RunInfo } from './runRecord.js'
import { checkOutputFolder } from './writable.js'

/** A file a command writes, and how to tell that one already there is longav's. */
export interface OutputFile {
  path: string
  /** A JSON file is longav's when it fits its schema. */
  schema?: z.ZodType
  /** A picture is longav's when the JSON it was drawn from is (score.png beside score.json). */
  vouchedBy?: OutputFile
}

export type Command = 'render' | 'plan' | 'analyze' | 'score'

/** What each command writes into its folder. */
export function outputsOf(command: Command, d: RunDir, opts: { plot?: boolean } = {}): OutputFile[] {
  const analysis = { path: d.analysis, schema: Analysis }
  const score = { path: d.score, schema: VideoScore }
  const planned = [analysis, { path: d.treatment, schema: Treatment }, { path: d.plan, schema: ShotPlan }, { path: d.memory, schema: ShotMemory }]
  switch (command) {
    case 'render':
      return [
        { path: d.final },
        { path: d.storyboard },
        { path: d.report },
        ...planned,
        score,
        { path: d.scorePlot, vouchedBy: score },
        ...[d.timelineOtio, d.timelineFcpxml, d.timelineEdl, d.timelineMlt].map((path) => ({ path })),
      ]
    case 'plan':
      return planned
    case 'analyze':
      return opts.plot ? [analysis, { path: `${d.root}/analysis.png`, vouchedBy: analysis }] : [analysis]
    case 'score':
      return [score, { path: d.scorePlot, vouchedBy: score }]
  }
}

export interface GuardOptions {
  command: Command
  runDir: RunDir
  /** The files the command reads, by what they are ('song', 'video', 'plan'). */
  inputs: Array<{ label: string; path: string }>
  outputs: OutputFile[]
  /** The folder's run record, when it has a valid one. */
  record: RunInfo | undefined
  force: boolean
}

/**
 * Everything that must hold before a command writes into its folder: the folder can be written;
 * no input is one of the outputs (whatever --force says: it would destroy its own input); and,
 * without --force, a finished render is not overwritten by another command, and files longav
 * did not make (no run record vouches for them, or they do not fit longav's schema) are not
 * replaced.
 */
export function guardOutputFolder(g: GuardOptions): void {
  checkOutputFolder(g.runDir.root)
  const written = [...g.outputs.map((o) => o.path), g.runDir.log, g.runDir.runInfo, g.runDir.snapshot]
  for (const input of g.inputs) checkNotAnOutput(input, written)
  if (g.force) return
  if (g.command !== 'render' && g.record && existsSync(g.runDir.final)) {
    const names = g.outputs.filter((o) => existsSync(o.path)).map((o) => basename(o.path))
    throw new InputError(
      `${g.runDir.root} holds a finished render: '${g.command}' would overwrite ${names.length ? names.join(', ') : 'its files'} (they would no longer match its final.mp4). ` +
        `Choose another --out, or pass --force to overwrite them.`,
      { code: 'OUTPUT_FINISHED' },
    )
  }
  if (g.record) return
  for (const o of g.outputs) {
    if (existsSync(o.path) && !isLongavs(o)) {
      throw new InputError(`${o.path} was not made by longav (no run record in ${g.runDir.root}); not replacing it. Choose another --out, or pass --force to replace it.`, {
        code: 'OUTPUT_NOT_OURS',
      })
    }
  }
}

function checkNotAnOutput(input: { label: string; path: string }, outputs: string[]): void {
  const abs = resolve(input.path)
  const st = statOf(abs)
  for (const out of outputs) {
    const o = statOf(out)
    // The same file by another name (a symlink, a hard link) is the same file.
    if (abs === resolve(out) || (st && o && st.dev === o.dev && st.ino === o.ino)) {
      const which = abs === resolve(out) ? 'one of the files' : `the same file as ${out}, one of the files`
      throw new InputError(`the ${input.label} ${input.path} is ${which} this command writes: it would be destroyed. Move it elsewhere or choose another --out.`, {
        code: 'INPUT_IS_OUTPUT',
      })
    }
  }
}

function isLongavs(o: OutputFile): boolean {
  if (o.vouchedBy) return existsSync(o.vouchedBy.path) && isLongavs(o.vouchedBy)
  if (!o.schema) return false
  try {
    return o.schema.safeParse(JSON.parse(readFileSync(o.path, 'utf8'))).success
  } catch {
    return false
  }
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
}
