/**
 * The Redis URL of a queue: parsed once into connection options, and redacted wherever it is
 * shown (a URL may carry a password; it is never printed or logged).
 */
import { InputError } from '../errors.js'

export interface RedisTarget {
  host: string
  port: number
  username?: string
  password?: string
  db?: number
  tls: boolean
  /** The URL as it may be shown: the password replaced by `***`. */
  shown: string
}

export function parseRedisUrl(url: string, flag = '--queue'): RedisTarget {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new InputError(`${flag} expects a Redis URL like redis://HOST:6379, got '${redactRedisUrl(url)}'`, { code: 'QUEUE_URL' })
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new InputError(`${flag} expects a redis:// or rediss:// URL, got '${redactRedisUrl(url)}'`, { code: 'QUEUE_URL' })
  const port = u.port ? Number(u.port) : 6379
  const dbPart = u.pathname.replace(/^\//, '')
  if (dbPart && !/^\d{1,2}$/.test(dbPart)) throw new InputError(`${flag}: the database in the URL must be a number, got '${dbPart}'`, { code: 'QUEUE_URL' })
  return {
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(dbPart ? { db: Number(dbPart) } : {}),
    tls: u.protocol === 'rediss:',
    shown: redactRedisUrl(url),
  }
}

/** `redis://user:secret@host:6379` → `redis://user:***@host:6379`; anything unparsable loses everything between `//` and `@`. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString().replace(/\/$/, '')
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@')
  }
}

/** Any text with the target's password (raw or URL-encoded) blanked out: for error messages from the client. */
export function redactText(text: string, target: Pick<RedisTarget, 'password'>): string {
  const p = target.password
  if (!p) return text
  return text.split(p).join('***').split(encodeURIComponent(p)).join('***')
}

/** ioredis options for a target (BullMQ needs `maxRetriesPerRequest: null` on its blocking connections). */
export function connectionOptions(t: RedisTarget) {
  return {
    host: t.host,
    port: t.port,
    ...(t.username ? { username: t.username } : {}),
    ...(t.password ? { password: t.password } : {}),
    ...(t.db !== undefined ? { db: t.db } : {}),
    ...(t.tls ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    // Reconnect forever, at most every 2 s: the coordinator decides when a loss is final.
    retryStrategy: (times: number) => Math.min(2000, 100 * times),
  }
}
