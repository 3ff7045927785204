/** Is Redis there: one PING before a worker or a coordinator starts, then a watch while it runs. */
import { Redis } from 'ioredis'
import { InputError } from '../errors.js'
import { connectionOptions, redactText, type RedisTarget } from './url.js'

export async function checkRedisReachable(target: RedisTarget, timeoutMs = 3000): Promise<void> {
  const client = new Redis({ ...connectionOptions(target), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.ping()
  } catch (err) {
    const why = redactText((err as Error).message, target)
    throw new InputError(`cannot reach Redis at ${target.shown} (${why}): start it, or fix the URL`, { code: 'QUEUE_UNREACHABLE' })
  } finally {
    client.disconnect()
  }
}

/**
 * Watches a connection that reconnects by itself: `lost` rejects (with `lostError()`) once Redis
 * has been away longer than `lostAfterMs`; until then everything waits for it to come back.
 */
export function watchRedis(client: Redis, o: { lostAfterMs: number; shown: string; log(level: 'info' | 'warn', m: string): void; lostError(): Error }) {
  let downSince: number | undefined
  let reject!: (err: Error) => void
  const lost = new Promise<never>((_, rej) => (reject = rej))
  lost.catch(() => {})
  client.on('ready', () => {
    if (downSince !== undefined) o.log('info', `redis: back at ${o.shown}`)
    downSince = undefined
  })
  client.on('close', () => {
    if (downSince === undefined) o.log('warn', `redis: lost ${o.shown}; waiting up to ${Math.round(o.lostAfterMs / 1000)} s for it`)
    downSince ??= Date.now()
  })
  const ticker = setInterval(() => {
    if (downSince !== undefined && Date.now() - downSince > o.lostAfterMs) reject(o.lostError())
  }, 200)
  ticker.unref()
  return { lost, down: () => downSince !== undefined, stop: () => clearInterval(ticker) }
}
