import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The built CLI (`npm run build` first), run as a user runs it. */
export const LONGAV_BIN = fileURLToPath(new URL('../../bin/longav.js', import.meta.url))

/**
 * Runs `longav …args` to its end: exit code, output and wall time. A CLI still running at the
 * time limit is killed with SIGKILL: one stuck in a synchronous loop never handles SIGTERM.
 */
export function longav(args: string[], cwd: string, opts: { env?: Record<string, string>; timeoutMs?: number } = {}) {
  const t0 = Date.now()
  const r = spawnSync(process.execPath, [LONGAV_BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    killSignal: 'SIGKILL',
    env: opts.env ? { ...process.env, ...opts.env } : process.env,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 }
}
