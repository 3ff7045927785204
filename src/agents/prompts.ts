/** Prompt templates for the LLM agents: Markdown files in the package's prompts/ folder. */
import { readFile } from 'node:fs/promises'
import { readFileSync, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export type PromptName = 'director' | 'planner' | 'verifier'

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

/** The package root, found by walking up from this module: the same from src/ and dist/. */
export function packageRoot(): string {
  if (root) return root
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (isPackageRoot(dir)) return (root = dir)
    const up = dirname(dir)
    if (up === dir) throw new Error(`prompts: no package.json named "${PACKAGE_NAME}" above ${fileURLToPath(import.meta.url)}`)
    dir = up
  }
}

export async function loadPrompt(name: PromptName): Promise<string> {
  return readFile(join(packageRoot(), 'prompts', `${name}.md`), 'utf8')
}

const VARIABLE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g

/** Names of the `{{variables}}` a template uses, in order of first use. */
export function promptVariables(template: string): string[] {
  return [...new Set([...template.matchAll(VARIABLE)].map((m) => m[1]))]
}

/**
 * Fills `{{name}}` placeholders in one pass (values are never re-expanded, so brief text that
 * contains braces stays data). Throws when the template uses a variable that is not given.
 */
export function fillPrompt(template: string, vars: Record<string, string>): string {
  const missing = promptVariables(template).filter((v) => !Object.hasOwn(vars, v))
  if (missing.length > 0) throw new Error(`fillPrompt: missing variable(s) ${missing.map((m) => `{{${m}}}`).join(', ')}`)
  return template.replace(VARIABLE, (_, name: string) => vars[name])
}
