// Where a variant's own time goes, on a finished base: node bench/variant-phases.mjs <batchDir> [name...]
// (batchDir: a batch run's output folder whose .longav/bases/<WxH>/ hold final.mp4, plan.json,
// analysis.json; a captioned base, <WxH>-captions/, is used when there). Prints CPU seconds (this
// process + waited-for children) and wall per phase.
import { existsSync, readFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { loadVariants } from '../dist/batch/variants.js'
import { resolveFormat } from '../dist/batch/formats.js'
import { bareRefOf, checkKeyFrames, cutdownOf, captionsOnTimeline, textLayoutOf } from '../dist/batch/variantJob.js'
import { baseCaptionsOnTimeline, captionFamilyOf, readBareStills } from '../dist/batch/baseCaptions.js'
import { renderCutdownAudio, measureLoudness } from '../dist/batch/cutdownAudio.js'
import { writeTextOverlays } from '../dist/batch/textDraw.js'
import { assembleVariant } from '../dist/batch/assemble.js'
import { checkTextBoxes, textCheckResult } from '../dist/batch/textCheck.js'
import { sourceFrameOf } from '../dist/batch/cutdown.js'
import { ShotPlan } from '../dist/schemas/index.js'

const cpuSec = () => {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100
}
const [batchDir, ...names] = process.argv.slice(2)
// CAPTIONS=off: the lyric captions off (a campaign without them: where smart assembly copies). SMART=off: always one encode.
const specs = await loadVariants('examples/variants.yaml', { briefDir: 'examples', defaultCaptions: process.env.CAPTIONS !== 'off' })
const out = join('/tmp/i13', 'phases')
mkdirSync(out, { recursive: true })
const totals = {}
for (const spec of specs.filter((s) => names.length === 0 || names.includes(s.name))) {
  const format = resolveFormat(spec.format)
  const size = `${format.width}x${format.height}`
  const captioned = spec.texts.captions && existsSync(join(batchDir, '.longav', 'bases', `${size}-captions`))
  const dir = join(batchDir, '.longav', 'bases', captioned ? `${size}-captions` : size)
  const analysis = JSON.parse(readFileSync(join(dir, 'analysis.json'), 'utf8'))
  const plan = ShotPlan.parse(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')))
  const base = { video: join(dir, 'final.mp4'), plan, captions: captioned, bare: captioned ? await readBareStills(dir) : new Map() }
  const cut = cutdownOf(spec, analysis, { fps: plan.fps, totalFrames: plan.totalFrames })
  const work = join(out, spec.name)
  mkdirSync(work, { recursive: true })
  const file = join(out, `${spec.name}.mp4`)
  const row = {}
  const phase = async (name, fn) => {
    const c = cpuSec(), t = performance.now()
    const r = await fn()
    row[name] = { cpu: cpuSec() - c, wall: (performance.now() - t) / 1000 }
    totals[name] = (totals[name] ?? 0) + row[name].cpu
    return r
  }
  const audio = await phase('audio', () => renderCutdownAudio('examples/song.mp3', cut, join(work, 'audio.wav'), { loudnessLufs: spec.loudness }))
  const inBase = captioned ? baseCaptionsOnTimeline(plan, cut, format, await captionFamilyOf(dir)) : []
  const items = textLayoutOf(spec, format, cut, analysis, spec.texts.captions && !captioned ? captionsOnTimeline(plan, cut) : [], inBase)
  const bareRef = bareRefOf(base, cut)
  const overlays = await phase('overlays', () => writeTextOverlays(items.filter((i) => !i.inBase), format, work))
  const keyFrames = await phase('keyframes', () => checkKeyFrames(items, cut, base.video, undefined, bareRef))
  await phase('assemble', () => assembleVariant({ keyFrames, ...(process.env.SMART === 'off' ? {} : { work }), base: base.video, baseFrames: plan.totalFrames, pieces: cut.pieces, overlays: overlays.map((o) => ({ png: o.png, x: o.x, y: o.y, startFrame: o.item.startFrame, endFrame: o.item.endFrame })), audio: audio.path, fps: cut.fps, totalFrames: cut.totalFrames, out: file }))
  const boxes = await phase('textCheck', () => checkTextBoxes({ output: file, base: base.video, sourceFrameOf: (k) => sourceFrameOf(cut, k), items, format, bareRef }))
  await phase('loudness', () => measureLoudness(file))
  const check = textCheckResult(boxes, format)
  console.log(`${spec.name.padEnd(22)} ${cut.totalFrames} fr, ${items.length} texts, check ${check.passed ? 'ok' : 'FAILED ' + check.detail}: ` + Object.entries(row).map(([k, v]) => `${k} ${v.cpu.toFixed(1)}/${v.wall.toFixed(1)}`).join(', ') + '  (CPU s / wall s)')
}
console.log('totals (CPU s): ' + Object.entries(totals).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', '))
