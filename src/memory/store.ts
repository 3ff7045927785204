import { readJsonIfValid, writeJsonAtomic } from '../util/files.js'
import { ShotMemory } from './shotMemory.js'

export async function loadMemory(path: string): Promise<ShotMemory | undefined> {
  return readJsonIfValid(path, ShotMemory)
}

export async function saveMemory(path: string, memory: ShotMemory): Promise<void> {
  await writeJsonAtomic(path, memory)
}
