/**
 * `longav worker --redis URL --store PATH [--concurrency N] [--models-dir DIR]`: takes shot jobs
 * from the queue until stopped. Ctrl-C once: finish the current jobs, take no more; Ctrl-C again
 * (or SIGTERM): hand them back to the queue at once for another worker. The Redis URL's password
 * is never printed.
 */
import { parseArgs } from 'node:util'
import { resolve } from 'node:path'
import { exitCodeOf } from '../errors.js'
import { intFlag } from './flags.js'
import { startWorker, type QueueWorker } from '../queue/index.js'

const USAGE = `Usage: longav worker --redis redis://[:PASSWORD@]HOST:PORT --store PATH [options]

Takes shot jobs (generate and verify a candidate, judge a round) of renders started with
'longav render --queue URL --store PATH', and writes their results into the shared store.

  --redis URL              the queue's Redis (default $LONGAV_REDIS_URL)
  --store PATH             the shared store folder (the one the renders pass as --store)
  --concurrency N          jobs at once (default 1)
  --models-dir DIR         this machine's models folder (default $LONGAV_MODELS_DIR, else models/)
  --lock-duration MS       a job's lock without renewal (default 30000): how long a dead
                           worker's job waits before another worker takes it over
  --stalled-interval MS    how often jobs of dead workers are looked for (default 30000)
  --simulate-ms-per-frame MS
                           sizing a queue without a GPU: each shot job waits MS per
                           frame of its shot before its work, as a remote GPU would
  --quiet                  log failures only
Ctrl-C finishes the current job(s) and exits; a second Ctrl-C or SIGTERM hands them back.
`

export async function workerMain(argv: string[]): Promise<number> {
  let values
  try {
    values = parseArgs({
      args: argv,
      options: {
        redis: { type: 'string' },
        store: { type: 'string' },
        concurrency: { type: 'string' },
        'models-dir': { type: 'string' },
        'lock-duration': { type: 'string' },
        'stalled-interval': { type: 'string' },
        'simulate-ms-per-frame': { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values
  } catch (err) {
    process.stderr.write(`longav worker: ${(err as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (values.help) {
    process.stdout.write(USAGE)
    return 0
  }
  const redis = values.redis ?? process.env.LONGAV_REDIS_URL
  if (!redis || !values.store) {
    process.stderr.write(`longav worker: ${!redis ? '--redis URL' : '--store PATH'} is required\n\n${USAGE}`)
    return 2
  }
  const say = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`)
  // Signals are handled from the start: one that lands while the worker connects stops it once started.
  let signals = 0
  let handBack = false
  let worker: QueueWorker | undefined
  const onSignal = (sig: NodeJS.Signals) => {
    signals++
    handBack ||= sig === 'SIGTERM' || signals > 1
    if (!worker) return
    say(handBack ? 'stopping: handing the current job(s) back to the queue' : 'stopping: finishing the current job(s), taking no more (Ctrl-C again to hand them back)')
    void worker.stop(handBack ? 'handBack' : 'finish')
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    const concurrency = intFlag(values.concurrency, 'concurrency', 1, 64)
    worker = await startWorker({
      redisUrl: redis,
      storeDir: resolve(values.store),
      concurrency,
      lockDurationMs: intFlag(values['lock-duration'], 'lock-duration', 500, 3_600_000),
      stalledIntervalMs: intFlag(values['stalled-interval'], 'stalled-interval', 200, 3_600_000),
      modelsDir: values['models-dir'],
      simulatedMsPerFrame: intFlag(values['simulate-ms-per-frame'], 'simulate-ms-per-frame', 0, 10_000),
      onLog: (level, line) => (level !== 'info' || !values.quiet) && say(`${level === 'info' ? '' : level.toUpperCase() + ' '}${line}`),
    })
    say(`worker ready: store ${resolve(values.store)}, ${concurrency ?? 1} job(s) at once`)
    if (signals) void worker.stop(handBack ? 'handBack' : 'finish')
    await worker.closed
    say(`worker stopped after ${worker.ran} job(s)`)
    return signals ? 130 : 0
  } catch (err) {
    process.stderr.write(`longav worker: ${(err as Error).message}\n`)
    return exitCodeOf(err)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
