// Precision and recall of the shot-boundary detector on generated hard cases
// (tests/helpers/hardCuts.ts: same-layout palette cuts with a sweeping bar, the bar alone, whip
// pans, flashes, fast local motion, dissolves, fades; hardCutsCloseup.ts: a large close-up figure
// with fast limbs, beat flashes and a caption change, drawn and from the procedural generator), for the detector at BASELINE_REF (default:
// the commit before the hard-case work) and the current one, on the dev set (tuned on) and the
// held-out test set (never tuned on); and each detector's cost per frame.
// Run: npm run bench:cuts   (options: --set dev,test,fresh (fresh: held out after a fix made on test's failures), --per-kind N, --kinds whip,fade, --verbose; CUT_OPTS='{"minScore":0.3}'
// gives the current detector options, for tuning on the dev set)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { analysisSize, decodeFrames } from '../dist/ffmpeg/index.js'
import { ShotBoundaryDetector } from '../dist/metrics/shotBoundaries.js'
import { createShotRenderer } from '../dist/render/generators/procedural/index.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : dflt
}
const sets = opt('--set') ? opt('--set').split(',') : ['dev', 'test', 'fresh']
const perKind = Number(opt('--per-kind', '4'))
const verbose = args.includes('--verbose')
const baselineRef = process.env.BASELINE_REF ?? '6953693'
const cutOpts = JSON.parse(process.env.CUT_OPTS ?? '{}')

const transpile = (source) =>
  ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText

const dir = mkdtempSync(join(tmpdir(), 'longav-bench-cuts-'))
// The baseline detector sits beside the built one so its relative imports resolve to dist/.
const baselinePath = join(root, 'dist', 'metrics', `shotBoundaries.baseline-${process.pid}.js`)
try {
  // The helpers import each other as .js: transpiled side by side in a folder of ES modules.
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}')
  for (const name of ['hardCuts', 'hardCutsCloseup'])
    writeFileSync(join(dir, `${name}.js`), transpile(execFileSync('cat', [join(root, 'tests', 'helpers', `${name}.ts`)], { encoding: 'utf8' })))
  const helper = join(dir, 'hardCuts.js')
  writeFileSync(baselinePath, transpile(execFileSync('git', ['show', `${baselineRef}:src/metrics/shotBoundaries.ts`], { cwd: root, encoding: 'utf8' })))
  const { hardSet, writeHardCase, matchCuts, HARD_KINDS } = await import(helper)
  const { ShotBoundaryDetector: Baseline } = await import(baselinePath)
  const detectors = { before: Baseline, after: ShotBoundaryDetector }

  for (const set of sets) {
    const only = opt('--kinds')?.split(',')
    const cases = hardSet(set, perKind, { shotRenderer: createShotRenderer }).filter((c) => !only || only.includes(c.kind))
    /** totals[detector][kind] = { tp, fp, fn } */
    const totals = { before: {}, after: {} }
    const time = { before: 0, after: 0 }
    let frames = 0
    for (const c of cases) {
      const path = join(dir, `${c.name}.mp4`)
      await writeHardCase(c, path)
      const sz = analysisSize(c.width, c.height, 160)
      const ds = Object.fromEntries(Object.entries(detectors).map(([k, D]) => [k, new D(sz.width, sz.height, k === 'after' ? cutOpts : {})]))
      await decodeFrames(path, { ...sz, format: 'rgb24' }, (rgb) => {
        frames++
        for (const [k, d] of Object.entries(ds)) {
          const t0 = performance.now()
          d.add(rgb)
          time[k] += performance.now() - t0
        }
      })
      for (const [k, d] of Object.entries(ds)) {
        const t0 = performance.now()
        const found = d.finish()
        time[k] += performance.now() - t0
        const m = matchCuts(found, c.cuts)
        const t = (totals[k][c.kind] ??= { tp: 0, fp: 0, fn: 0 })
        t.tp += m.tp
        t.fp += m.fp
        t.fn += m.fn
        if (verbose && (m.fp || m.fn))
          console.log(`  ${k} ${c.name}: missed ${JSON.stringify(m.missed)} extra ${JSON.stringify(m.extra)}${k === 'after' && process.env.SCORES ? ' scores ' + Array.from(d.frameScores(), (s) => s.toFixed(2)).join(' ') : ''}`)
      }
      rmSync(path, { force: true })
    }
    const pr = ({ tp, fp, fn }) => {
      const p = tp + fp ? tp / (tp + fp) : 1
      const r = tp + fn ? tp / (tp + fn) : 1
      return `P ${p.toFixed(2)} R ${r.toFixed(2)} (tp ${tp} fp ${fp} fn ${fn})`
    }
    const sum = (byKind) => Object.values(byKind).reduce((a, b) => ({ tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn }), { tp: 0, fp: 0, fn: 0 })
    console.log(`\n${set} set: ${cases.length} videos (${perKind} per kind), ${frames} frames at 160 px wide`)
    for (const kind of HARD_KINDS.filter((k) => totals.before[k])) console.log(`  ${kind.padEnd(9)} before ${pr(totals.before[kind]).padEnd(36)} after ${pr(totals.after[kind])}`)
    console.log(`  ${'all'.padEnd(9)} before ${pr(sum(totals.before)).padEnd(36)} after ${pr(sum(totals.after))}`)
    const msB = time.before / frames
    const msA = time.after / frames
    console.log(`  cost per frame: before ${msB.toFixed(2)} ms, after ${msA.toFixed(2)} ms (after/before ${(msA / msB).toFixed(2)})`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
  rmSync(baselinePath, { force: true })
}
