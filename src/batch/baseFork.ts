/**
 * Runs base renders in child processes (see baseProcess.ts): the options go over IPC as plain
 * data, events come back as they happen, an error comes back as its record (same kind, code and
 * message, so the exit code is the same as in-process), an abort stops the child's render.
 */
import { fork } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { RenderError, restoreError } from '../errors.js'
import type { BaseRenderer } from './bases.js'
import type { BaseReply, BaseRequest } from './baseMessages.js'

/**
 * The child's entry: the built baseProcess.js beside this module. Under vitest the sources run as
 * TypeScript, which node cannot fork, so the package's built copy is used.
 */
export function baseProcessEntry(): string {
  const here = fileURLToPath(import.meta.url)
  const entry = here.endsWith('.ts') ? join(dirname(here), '..', '..', 'dist', 'batch', 'baseProcess.js') : join(dirname(here), 'baseProcess.js')
  if (!existsSync(entry)) throw new RenderError(`the base render process ${entry} is missing: run npm run build`, { code: 'BASE_PROCESS_MISSING' })
  return entry
}

/** Keeps the last lines a child wrote to stderr, for the message when it dies. */
function tail(lines: string[], chunk: string): void {
  lines.push(...chunk.split('\n').filter(Boolean))
  lines.splice(0, Math.max(0, lines.length - 20))
}

/**
 * A BaseRenderer that renders in a child process with `options` (plain data: no generator,
 * agent or callback objects) plus the base's size, folder and `finish: 'video'`.
 */
export function forkedBaseRenderer(options: Record<string, unknown>): BaseRenderer {
  const entry = baseProcessEntry()
  return (o) =>
    new Promise((resolve, reject) => {
      const { signal } = o
      signal.throwIfAborted()
      const child = fork(entry, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' })
      const stderr: string[] = []
      child.stderr?.setEncoding('utf8').on('data', (c: string) => tail(stderr, c))
      let settled = false
      const settle = (fn: () => void) => {
        if (settled) return
        settled = true
        signal.removeEventListener('abort', onAbort)
        fn()
      }
      const onAbort = () => {
        child.connected && child.send({ type: 'abort' } satisfies BaseRequest)
        // The child cleans up its render on abort; one that does not answer is stopped.
        setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 10_000).unref()
      }
      signal.addEventListener('abort', onAbort, { once: true })
      child.on('message', (m: BaseReply) => {
        if (m.type === 'event') o.onEvent(m.event)
        else if (m.type === 'done') settle(() => resolve({ final: m.final, plan: m.plan }))
        else if (m.type === 'error') settle(() => reject(signal.aborted ? signal.reason : restoreError(m.error)))
      })
      child.on('error', (e) => settle(() => reject(new RenderError(`base render ${o.width}x${o.height}: could not start its process: ${e.message}`, { code: 'BASE_PROCESS_FAILED' }))))
      child.on('exit', (code, sig) =>
        settle(() =>
          reject(
            signal.aborted
              ? signal.reason
              : new RenderError(`base render ${o.width}x${o.height}: its process ended (${sig ?? `exit ${code}`}) before the render did${stderr.length ? `:\n${stderr.join('\n')}` : ''}`, {
                  code: 'BASE_PROCESS_FAILED',
                }),
          ),
        ),
      )
      child.send({
        type: 'render',
        options: {
          ...options,
          finish: 'video',
          outDir: o.outDir,
          ...(o.takes ? { takes: o.takes } : {}),
          output: { ...(options.output as object | undefined), width: o.width, height: o.height, ...(o.captions === undefined ? {} : { captions: o.captions, bareStills: o.captions }) },
        },
      } satisfies BaseRequest)
    })
}
