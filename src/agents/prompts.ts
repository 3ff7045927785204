/** Prompt templates for the LLM agents: Markdown files in the package's prompts/ folder. */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { packageRoot } from '../util/packageRoot.js'

export type PromptName = 'director' | 'planner' | 'verifier' | 'judge' | 'rewrite'

export { packageRoot }

const loaded = new Map<PromptName, Promise<string>>()

/** A template from prompts/, read once per process (the judge asks for it on every shot). */
export function loadPrompt(name: PromptName): Promise<string> {
  let text = loaded.get(name)
  if (!text) {
    text = readFile(join(packageRoot(), 'prompts', `${name}.md`), 'utf8')
    // A failed read is not remembered: the next call tries again.
    text.catch(() => loaded.delete(name))
    loaded.set(name, text)
  }
  return text
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
