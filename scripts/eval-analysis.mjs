#!/usr/bin/env node
// Renders (or reuses) the analysis evaluation set, runs the full analysis on every file and
// prints the figures of issue 3: beat F, CMLt, AMLt, downbeat F, beats in beatless spans,
// section boundary F at ±0.5 s and ±3 s, analysis seconds per minute of audio.
// Needs a build (npm run build) and fluidsynth + a General MIDI soundfont (scripts/setup.sh).
// Exit code 0 whatever the figures; 1 only when something crashed.
import { buildEvalSet } from '../build/tools/eval/render.js'
import { evaluateAnalysis, formatReport } from '../build/tools/eval/evaluate.js'

const json = process.argv.includes('--json')

try {
  const t0 = Date.now()
  const set = await buildEvalSet({
    onFile: (name, cached) => {
      if (!cached) process.stderr.write(`rendered ${name}\n`)
    },
  })
  process.stderr.write(`evaluation set: ${set.dir} (soundfont ${set.soundfont}), ${((Date.now() - t0) / 1000).toFixed(1)} s\n`)
  const report = await evaluateAnalysis(set, {
    onResult: (name, s) => process.stderr.write(`analysed ${name} in ${s.toFixed(2)} s\n`),
  })
  if (json) process.stdout.write(JSON.stringify(report, null, 2) + '\n')
  else process.stdout.write(formatReport(report) + '\n')
} catch (err) {
  process.stderr.write(`eval-analysis failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
}
