/**
 * The shape of src/: its import graph has no cycle (type-only imports count: a cycle of types is
 * still two modules that cannot be understood apart), the pipeline's files stay small, and
 * dependencies point one way (nothing below the CLI imports it; product code never imports tools).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = resolve(__dirname, '../src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : []
  })
}

/** Relative imports of a file (static, re-exports, dynamic), resolved to .ts paths. */
export function importsOf(file: string, text: string): string[] {
  const specs = [...text.matchAll(/(?:^|[\s;}])(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|^import\s+['"](\.[^'"]+)['"]/gm)].map((m) => m[1] ?? m[2] ?? m[3])
  return specs.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')))
}

/** Every elementary cycle found by a depth-first search (each reported once, from its first node). */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (n: string) => {
    state.set(n, 'open')
    stack.push(n)
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === 'open') cycles.push([...stack.slice(stack.indexOf(m)), m])
      else if (!state.has(m)) visit(m)
    }
    stack.pop()
    state.set(n, 'done')
  }
  for (const n of [...graph.keys()].sort()) if (!state.has(n)) visit(n)
  return cycles
}

const files = sourceFiles(SRC)
const graph = new Map(files.map((f) => [f, importsOf(f, readFileSync(f, 'utf8'))]))
const rel = (p: string) => relative(SRC, p)

describe('the import graph of src/', () => {
  it('the cycle finder finds a cycle and accepts a tree (it can fail)', () => {
    expect(findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual([['a', 'b', 'c', 'a']])
    expect(findCycles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toEqual([])
    expect(importsOf('/x/a.ts', "import type { A } from './b.js'\nexport * from '../c.js'\nconst d = await import('./d/e.js')")).toEqual(['/x/b.ts', '/c.ts', '/x/d/e.ts'])
  })

  it('reads every module and resolves every relative import to a file', () => {
    expect(files.length).toBeGreaterThan(100)
    expect([...graph.values()].flat().length).toBeGreaterThan(500)
    const missing = [...graph].flatMap(([f, deps]) => deps.filter((d) => !graph.has(d)).map((d) => `${rel(f)} → ${rel(d)}`))
    expect(missing).toEqual([])
  })

  it('has no cycle', () => {
    expect(findCycles(graph).map((c) => c.map(rel).join(' → '))).toEqual([])
  })

  it('points one way: only the CLI imports the CLI; nothing in src imports tools or tests', () => {
    const wrong = [...graph].flatMap(([f, deps]) =>
      deps.filter((d) => (rel(d).startsWith('cli/') && !rel(f).startsWith('cli/')) || !d.startsWith(SRC + '/')).map((d) => `${rel(f)} → ${relative(SRC, d)}`),
    )
    expect(wrong).toEqual([])
  })

  it('keeps the pipeline in small files (≤ 250 lines each)', () => {
    const pipeline = files.filter((f) => rel(f).startsWith('pipeline/'))
    expect(pipeline.length).toBeGreaterThan(15)
    const long = pipeline.map((f) => [rel(f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, n]) => n > 250)
    expect(long).toEqual([])
  })
})
