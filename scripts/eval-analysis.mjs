#!/usr/bin/env node
// The analysis figures of issue 15, per split of the development set (tools/devset), for the DSP
// tracker and, where a learned beat model is installed, the 'auto' path: beat F, CMLt, AMLt,
// downbeat F, meter accuracy, tempo accuracy (4 %, and with octave errors allowed), seconds of
// analysis per minute of audio; then section boundary F at ±0.5 s and ±3 s on the structured
// synth tracks, and the old evaluation set (tools/eval) as before.
// Needs a build (npm run build), fluidsynth and the soundfonts (scripts/setup.sh).
// Options: --split dev|test (one split), --tracker dsp|auto (one tracker), --limit N (first N
//          items of each split), --json, --skip-old (not the old evaluation set).
// Exit code 0 whatever the figures; 1 only when something crashed.
import { existsSync } from 'node:fs'
import { buildEvalSet } from '../build/tools/eval/render.js'
import { evaluateAnalysis, formatReport } from '../build/tools/eval/evaluate.js'
import { evaluateItems, formatSplit, means, MEANS_HEADER, formatMeansRow } from '../build/tools/eval/devsetEval.js'
import { analyzerFor, learnedAvailable, PUBLISHED } from '../build/tools/eval/trackers.js'
import { buildDevset } from '../build/tools/devset/build.js'
import { manifestPath, readManifest } from '../build/tools/devset/manifest.js'
import { summarize } from '../build/tools/devset/summary.js'

const args = process.argv.slice(2)
const json = args.includes('--json')
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
const splits = opt('--split') ? [opt('--split')] : ['dev', 'test']
const limit = opt('--limit') ? Number(opt('--limit')) : Infinity
const err = (s) => process.stderr.write(s + '\n')

try {
  const t0 = Date.now()
  // The manifest when it is there (a rerun is instant); else build the set (rendering is cached).
  const manifest = existsSync(manifestPath())
    ? readManifest()
    : await buildDevset({ onProgress: err })
  err(`development set: ${manifestPath()} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n${summarize(manifest)}`)
  const trackers = ['dsp', ...(learnedAvailable() ? ['auto'] : [])].filter((t) => !opt('--tracker') || t === opt('--tracker'))
  if (trackers.length === 1) err('no learned beat model (models/beat/beat.onnx): reporting the DSP tracker only')
  const results = {}
  const out = []
  for (const tracker of trackers) {
    const analyze = analyzerFor(tracker)
    for (const split of splits) {
      const items = manifest.items.filter((i) => i.split === split).slice(0, limit)
      if (!items.length) continue
      const scores = await evaluateItems(items, analyze, (s) => err(`[${tracker} ${split}] ${s.id}: F ${s.beatF.toFixed(2)} AMLt ${s.AMLt.toFixed(2)} dbF ${s.downbeatF.toFixed(2)} meter ${s.meterTruth}/${s.meterEst} in ${s.seconds.toFixed(1)} s`))
      results[`${tracker}/${split}`] = { means: means(scores), scores }
      out.push(formatSplit(`== ${split} split, tracker '${tracker}'`, scores), '')
    }
  }
  out.push('== summary (ALL rows)', MEANS_HEADER)
  for (const [k, r] of Object.entries(results)) out.push(formatMeansRow(k, r.means))
  out.push('', '== published figures of learned trackers (orientation only; other data)')
  for (const p of PUBLISHED) out.push(`${p.system} — ${p.dataset} — ${p.source}: ${p.figures}`)

  let old
  if (!args.includes('--skip-old')) {
    const set = await buildEvalSet({ onFile: (name, cached) => !cached && err(`rendered ${name}`) })
    old = await evaluateAnalysis(set, { analyze: analyzerFor('dsp') })
    out.push('', "== old evaluation set (tools/eval: generated pieces + structured synth tracks with sections), tracker 'dsp'", formatReport(old))
    // Section truth exists only on the structured synth tracks (no split): reported once here.
    out.push('', `== sections (structured synth tracks, ${old.structured.length} songs): boundary F@0.5 s ${old.means.boundaryF05.toFixed(3)}, F@3 s ${old.means.boundaryF3.toFixed(3)}`)
  }
  if (json) process.stdout.write(JSON.stringify({ results, old }, null, 2) + '\n')
  else process.stdout.write(out.join('\n') + '\n')
} catch (e) {
  err(`eval-analysis failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
  process.exit(1)
}
