/**
 * A batch's base render in a child process. The procedural renderer draws on the JavaScript
 * thread, so one render keeps one core busy and leaves the other mostly to x264: two formats
 * rendered in two processes use both. The child runs the public `render()` with plain-data
 * options and reports its events, its files or its error over the IPC channel.
 */
import { errorRecord } from '../errors.js'
import type { BaseReply, BaseRequest } from './baseMessages.js'

async function main(): Promise<void> {
  const { render } = await import('../index.js')
  const abort = new AbortController()
  const send = (m: BaseReply) => new Promise<void>((ok) => (process.send ? process.send(m, () => ok()) : ok()))
  // The parent going away (killed, crashed) must not leave a render running without an owner.
  process.on('disconnect', () => abort.abort())
  process.on('SIGTERM', () => abort.abort())
  process.on('message', (m: BaseRequest) => {
    if (m.type === 'abort') abort.abort()
    if (m.type !== 'render') return
    render({ ...(m.options as unknown as Parameters<typeof render>[0]), signal: abort.signal, onEvent: (event) => void send({ type: 'event', event }) })
      .then((r) => send({ type: 'done', final: r.files.final, plan: r.files.plan }))
      .catch((e: unknown) => send({ type: 'error', error: errorRecord(e) }))
      .finally(() => process.disconnect?.())
  })
}

if (process.send) void main()
