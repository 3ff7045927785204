import { resolve } from 'node:path'
import { manifestPath as defaultManifestPath, readManifest } from '../devset/manifest.js'
import { cachedCues } from './cueCache.js'

/** Fills the bar-cue cache (cueCache.ts) for every item of the manifest. Usage: node build/tools/beatnet/fillCues.js [--manifest m.json] */
const args = process.argv.slice(2)
const manifest = resolve(args.includes('--manifest') ? args[args.indexOf('--manifest') + 1] : defaultManifestPath())
const items = readManifest(manifest).items.sort((a, b) => (a.split === 'dev' ? 0 : 1) - (b.split === 'dev' ? 0 : 1))
let i = 0
for (const it of items) {
  await cachedCues(it, manifest)
  if (++i % 20 === 0) console.log(`${i}/${items.length}`)
}
