/** Is Redis there? One PING with a short timeout, before a worker or a coordinator starts. */
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
