/** Prompt templates for the LLM agents: Markdown files in the package's prompts/ folder. */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { packageRoot } from '../util/packageRoot.js'

export type PromptName = 'director' | 'planner' | 'verifier' | 'judge' | 'rewrite'

export { packageRoot }

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
