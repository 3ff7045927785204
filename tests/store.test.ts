/**
 * The content-addressed store: values validated on read, atomic writes, artifact folders made
 * once; two real processes writing the same keys at once leave whole values and one folder.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { openStore, stepKey } from '../src/store/index.js'

const ROOT = resolve(__dirname, '..')
const Value = z.object({ writer: z.number(), payload: z.array(z.number()) })

describe('store', () => {
  it('keys by step, version and input; stable under key order', () => {
    expect(stepKey('plan', 1, { a: 1, b: [2] })).toBe(stepKey('plan', 1, { b: [2], a: 1 }))
    expect(stepKey('plan', 1, { a: 1 })).not.toBe(stepKey('plan', 2, { a: 1 }))
    expect(stepKey('plan', 1, { a: 1 })).not.toBe(stepKey('treatment', 1, { a: 1 }))
    expect(stepKey('plan', 1, { a: 1 })).toMatch(/^[0-9a-f]{32}$/)
  })

  it('gets what was put, validated; a value that does not fit the schema, or a torn file, is a miss', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'longav-store-'))
    const store = openStore(dir)
    const key = stepKey('t', 1, 'x')
    expect(await store.get('plan', key, Value)).toBeUndefined()
    await store.put('plan', key, { writer: 1, payload: [1, 2] })
    expect(await openStore(dir).get('plan', key, Value)).toEqual({ writer: 1, payload: [1, 2] })
    expect(await openStore(dir).get('plan', key, z.object({ other: z.string() }))).toBeUndefined()
    writeFileSync(join(dir, 'plan', `${key}.json`), '{"writer": 1, "payl')
    expect(await openStore(dir).get('plan', key, Value)).toBeUndefined()
    await expect(store.put('../etc', key, {})).rejects.toThrow(/not a kind or key/)
    await expect(store.get('plan', '../../x', Value)).rejects.toThrow(/not a kind or key/)
  })

  it('fills an artifact folder once; a failed fill leaves nothing behind', async () => {
    const store = openStore(mkdtempSync(join(tmpdir(), 'longav-store-')))
    const key = stepKey('segment', 1, 's')
    let fills = 0
    const fill = async (tmp: string) => {
      fills++
      writeFileSync(join(tmp, 'shot.mp4'), 'video')
    }
    const first = await store.artifact('segment', key, fill)
    const second = await store.artifact('segment', key, fill)
    expect([first.made, second.made, fills]).toEqual([true, false, 1])
    expect(first.dir).toBe(store.artifactDir('segment', key))
    expect(readFileSync(join(first.dir, 'shot.mp4'), 'utf8')).toBe('video')
    const other = stepKey('segment', 1, 'other')
    await expect(store.artifact('segment', other, async () => Promise.reject(new Error('generator died')))).rejects.toThrow('generator died')
    expect(readdirSync(join(store.root, 'segment'))).toEqual([key])
  })

  it('two processes writing the same keys at once: every read is whole, one folder per key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'longav-store-'))
    const script = `
      import { openStore, stepKey } from ${JSON.stringify(join(ROOT, 'dist/store/index.js'))}
      import { writeFileSync } from 'node:fs'
      import { join } from 'node:path'
      const store = openStore(${JSON.stringify(dir)})
      const writer = Number(process.argv[1])
      const payload = Array.from({ length: 20000 }, (_, i) => i * writer)
      for (let round = 0; round < 40; round++) {
        await store.put('value', stepKey('v', 1, round % 4), { writer, payload })
        await store.artifact('segment', stepKey('s', 1, round % 4), async (tmp) => {
          for (const name of ['a', 'b', 'c']) writeFileSync(join(tmp, name), String(writer).repeat(50000))
          await new Promise((r) => setTimeout(r, 2))
        })
      }
    `
    const run = (writer: number) =>
      new Promise<number>((done, fail) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, String(writer)], { stdio: ['ignore', 'ignore', 'inherit'] })
        child.on('error', fail).on('exit', (code) => done(code ?? -1))
      })
    expect(await Promise.all([run(1), run(2)])).toEqual([0, 0])
    const store = openStore(dir)
    for (let k = 0; k < 4; k++) {
      const v = await store.get('value', stepKey('v', 1, k), Value)
      expect(v).toBeDefined()
      expect(v!.payload[19999]).toBe(19999 * v!.writer)
      const folder = store.artifactDir('segment', stepKey('s', 1, k))
      const contents = ['a', 'b', 'c'].map((n) => readFileSync(join(folder, n), 'utf8'))
      // One writer's whole folder, never a mix.
      expect(new Set(contents.map((c) => c[0])).size).toBe(1)
      expect(contents.every((c) => c.length === 50000)).toBe(true)
    }
    expect(readdirSync(join(dir, 'segment')).filter((n) => n.includes('.tmp-'))).toEqual([])
    expect(readdirSync(join(dir, 'value')).filter((n) => n.endsWith('.tmp'))).toEqual([])
    expect(existsSync(join(dir, 'segment'))).toBe(true)
  })
})
