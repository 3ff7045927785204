/**
 * A private, real redis-server for a test: on a free loopback port, in its own temp folder, no
 * persistence. `stop()` ends it (a test also stops it mid-render); `start()` again brings it
 * back on the same port, empty.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestRedis {
  port: number
  url: string
  start(): Promise<void>
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
  })
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port })
    sock.once('connect', () => {
      sock.write('PING\r\n')
    })
    sock.once('data', (d) => {
      sock.destroy()
      resolve(d.toString().startsWith('+PONG'))
    })
    sock.once('error', () => resolve(false))
  })
}

export async function startRedis(opts: { password?: string } = {}): Promise<TestRedis> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'longav-redis-'))
  let proc: ChildProcess | undefined
  const auth = opts.password ? `:${encodeURIComponent(opts.password)}@` : ''
  const r: TestRedis = {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    async start() {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning']
      if (opts.password) args.push('--requirepass', opts.password)
      proc = spawn('/usr/bin/redis-server', args, { stdio: 'ignore' })
      const deadline = Date.now() + 10_000
      while (Date.now() < deadline) {
        // With a password, PING answers -NOAUTH: a listening port is enough.
        if (opts.password ? await listening(port) : await answers(port)) return
        await new Promise((res) => setTimeout(res, 50))
      }
      throw new Error(`redis-server did not start on port ${port}`)
    },
    async stop() {
      const p = proc
      proc = undefined
      if (!p || p.exitCode !== null) return
      await new Promise<void>((res) => {
        p.once('exit', () => res())
        p.kill('SIGKILL')
      })
    },
  }
  await r.start()
  const stopAll = r.stop
  r.stop = async () => {
    await stopAll()
  }
  process.once('exit', () => {
    proc?.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })
  return r
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port })
    sock.once('connect', () => {
      sock.destroy()
      resolve(true)
    })
    sock.once('error', () => resolve(false))
  })
}

/** A `longav worker` process, as a user starts it; its log lines collected. */
export interface WorkerProcess {
  proc: import('node:child_process').ChildProcess
  lines: string[]
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>
  exited: Promise<number | null>
}

export function spawnWorker(bin: string, args: string[]): WorkerProcess {
  const proc = spawn(process.execPath, [bin, 'worker', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  const waiters: Array<() => void> = []
  let buf = ''
  const onData = (d: Buffer) => {
    buf += d.toString()
    const parts = buf.split('\n')
    buf = parts.pop()!
    lines.push(...parts)
    for (const w of waiters.splice(0)) w()
  }
  proc.stdout!.on('data', onData)
  proc.stderr!.on('data', onData)
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)))
  process.once('exit', () => proc.kill('SIGKILL'))
  return {
    proc,
    lines,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`no line matching ${pattern} in ${timeoutMs} ms; saw:\n${lines.join('\n')}`)), timeoutMs)
        const look = () => {
          const hit = lines.find((l) => pattern.test(l))
          if (hit) {
            clearTimeout(deadline)
            resolve(hit)
          } else waiters.push(look)
        }
        look()
      })
    },
  }
}
