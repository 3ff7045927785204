import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const PACKAGE_NAME = 'longav'

function isPackageRoot(dir: string): boolean {
  const manifest = join(dir, 'package.json')
  if (!existsSync(manifest)) return false
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME
  } catch {
    return false
  }
}

let root: string | undefined

/** The package root (prompts/, models/), found by walking up from this module: the same from src/ and dist/. */
export function packageRoot(): string {
  if (root) return root
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (isPackageRoot(dir)) return (root = dir)
    const up = dirname(dir)
    if (up === dir) throw new Error(`no package.json named "${PACKAGE_NAME}" above ${fileURLToPath(import.meta.url)}`)
    dir = up
  }
}
