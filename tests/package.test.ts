/**
 * What `npm pack` ships: the built dist/ with its type declarations, the CLI, the shipped model and
 * templates, the prompts and the example's brief, and nothing of the repository's own (tests,
 * benches, sources, source maps). Every module a packed file imports is packed too, and every
 * package it imports is a runtime dependency (a devDependency would be missing on install).
 * `npm pack --dry-run --ignore-scripts` reads the list without building or the network.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, normalize } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string
  types: string
  bin: Record<string, string>
  exports: Record<string, { types: string; import: string }>
  dependencies: Record<string, string>
}

function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  const [entry] = JSON.parse(out) as Array<{ files: Array<{ path: string }> }>
  return entry.files.map((f) => f.path)
}

/** The specifiers of a module's static and dynamic imports and re-exports. */
function importsOf(source: string): string[] {
  const found = new Set<string>()
  for (const m of source.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(])import\s*\(\s*['"]([^'"]+)['"]\s*\)|^import\s*['"]([^'"]+)['"]/gm)) {
    found.add(m[1] ?? m[2] ?? m[3])
  }
  return [...found]
}

describe('the npm package', () => {
  const files = packedFiles()
  const packed = new Set(files)

  it('holds the built library, its declarations, the CLI and what it reads at run time', () => {
    const entries = [pkg.main, pkg.types, ...Object.values(pkg.bin), ...Object.values(pkg.exports).flatMap((e) => [e.types, e.import])]
    for (const entry of entries) expect(packed, entry).toContain(normalize(entry))
    for (const needed of ['models/beat/beat.onnx', 'models/beat/beat.json', 'examples/brief.md', 'examples/variants.yaml', 'README.md']) expect(packed, needed).toContain(needed)
    expect(files.filter((f) => f.startsWith('prompts/')).length).toBeGreaterThan(0)
    expect(files.filter((f) => f.startsWith('models/comfyui/') && f.endsWith('.json')).length).toBeGreaterThan(0)
    // The prompts the agents load are all there.
    for (const f of files.filter((p) => p.startsWith('prompts/'))) expect(existsSync(join(root, f)), f).toBe(true)
  })

  it('holds nothing of the repository own: no tests, benches, sources, scripts or source maps', () => {
    const strays = files.filter((f) => /^(tests|bench|src|scripts|tools|\.ci)\//.test(f) || f.endsWith('.map') || f.endsWith('.test.js') || f.startsWith('dist/eval/'))
    expect(strays).toEqual([])
  })

  it('every relative import of a packed module is packed, and every package it imports is a runtime dependency', () => {
    const deps = new Set(Object.keys(pkg.dependencies))
    const builtins = new Set(builtinModules)
    const missing: string[] = []
    const undeclared = new Set<string>()
    const modules = files.filter((f) => f.endsWith('.js'))
    expect(modules.length).toBeGreaterThan(100)
    for (const file of modules) {
      for (const spec of importsOf(readFileSync(join(root, file), 'utf8'))) {
        if (spec.startsWith('.')) {
          const target = normalize(join(dirname(file), spec))
          if (!packed.has(target)) missing.push(`${file} → ${spec}`)
        } else if (!spec.startsWith('node:') && !builtins.has(spec)) {
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]
          if (!deps.has(name)) undeclared.add(`${name} (from ${file})`)
        }
      }
    }
    expect(missing).toEqual([])
    expect([...undeclared]).toEqual([])
  })
})
