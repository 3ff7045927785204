// Wasted attempts: renders a song and counts the attempts beyond the first per shot, by the
// checks that failed (and, for identity, by entity kind and shot framing), from the render's own
// scores.json. Run after `npm run build`:
//   node bench/wasted-attempts.mjs                 a generated 96 s song, two places, 320x180 @ 12 fps
//   node bench/wasted-attempts.mjs --seconds 180   a longer generated song
//   node bench/wasted-attempts.mjs --worlds skyline,forest   the two places in other worlds
//   node bench/wasted-attempts.mjs --example       the bundled example (examples/song.mp3 + brief.md) at 1280x720 @ 30
//   node bench/wasted-attempts.mjs --scores DIR/scores.json   only read an existing render's scores
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    example: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '96' },
    size: { type: 'string', default: '320x180@12' },
    scores: { type: 'string' },
    out: { type: 'string' },
    /** The worlds of the two places (verses, choruses), e.g. skyline,forest. */
    worlds: { type: 'string', default: 'shoreline,neon-grid' },
  },
})

/** A brief with two characters and two places (one per kind of section), framings left to the planner. */
const BRIEF = `---
title: Two Places
artist: The Fixtures
concept: Two friends play one night through, verses on a harbour quay and choruses on a neon grid.
style: synthwave colour, soft film grain
characters:
  - name: Mara
    description: the singer, long wavy black hair and a red scarf
    palette: ["#d7263d", "#1b1b1e", "#f4f4f4"]
  - name: Jun
    description: the drummer, short spiky bleached hair, yellow jacket and headphones
    palette: ["#ffd23f", "#222222", "#3a86ff"]
locations:
  - name: Harbour
    description: a harbour quay at night, water and lights
    world: WORLD_A
    timeOfDay: night
    sections: [intro, verse, outro]
  - name: Neon Grid
    description: a glowing magenta and cyan grid to a violet horizon
    world: WORLD_B
    timeOfDay: night
    sections: [chorus]
---
Keep them recognisable.
`

async function makeSong(dir, seconds) {
  const { synthesizeSong, writeWav } = await import('../build/tools/synth.js')
  const bars = Math.max(8, Math.round(seconds / 2))
  const edge = Math.max(2, Math.round(bars / 12))
  const body = bars - 2 * edge
  const blocks = Math.max(1, Math.round(body / 16))
  const sections = [{ label: 'intro', bars: edge, intensity: 0.45, drums: 'hats', chords: 'pad' }]
  for (let i = 0; i < blocks; i++) {
    const n = Math.round(body / blocks)
    sections.push({ label: 'verse', bars: Math.ceil(n / 2), intensity: 0.72, drums: 'full', bass: true, chords: 'pad', lead: true })
    sections.push({ label: 'chorus', bars: Math.floor(n / 2), intensity: 1, drums: 'full', crash: true, bass: true, chords: 'bright', lead: true })
  }
  sections.push({ label: 'outro', bars: edge, intensity: 0.5, drums: 'fade', chords: 'pad' })
  const song = synthesizeSong({ bpm: 120, beatsPerBar: 4, sections, seed: 5, tailSec: 0.5 })
  const path = join(dir, 'song.wav')
  writeWav(path, song.samples, song.sampleRate)
  return path
}

function summarise(scores) {
  const shots = scores.shots
  const attempts = shots.reduce((n, s) => n + s.attempts.length, 0)
  const wasted = attempts - shots.length
  const byCheck = {}
  const identity = {}
  for (const s of shots) {
    const framing = s.framing ?? '?'
    // Every attempt but the last of a shot was followed by another: its failures are why.
    for (const a of s.attempts.slice(0, -1)) {
      for (const f of a.verdict.failed) byCheck[f] = (byCheck[f] ?? 0) + 1
      if (a.verdict.failed.includes('identity')) {
        for (const part of a.verdict.critique.split(/[;,] /)) {
          const m = /(\S+) looks unlike .*\(([\d.]+) < ([\d.]+)\)/.exec(part)
          if (m) identity[`${m[1]} in a ${framing} shot`] = [...(identity[`${m[1]} in a ${framing} shot`] ?? []), Number(m[2])]
        }
      }
    }
  }
  const failedKept = shots.filter((s) => !s.accepted).length
  console.log(`shots ${shots.length}, attempts ${attempts}, wasted (beyond the first per shot) ${wasted}, shots kept though failing ${failedKept}`)
  console.log(`failed checks on the wasted attempts: ${JSON.stringify(byCheck)}`)
  for (const [k, v] of Object.entries(identity)) console.log(`  identity: ${k}: ${v.length}x (${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)})`)
}

let scoresPath = values.scores
if (!scoresPath) {
  const { render } = await import('../dist/index.js')
  const out = values.out ?? mkdtempSync(join(tmpdir(), 'longav-wasted-'))
  mkdirSync(out, { recursive: true })
  let song = 'examples/song.mp3'
  let brief = 'examples/brief.md'
  let output = { width: 1280, height: 720, fps: 30 }
  if (!values.example) {
    song = await makeSong(out, Number(values.seconds))
    brief = join(out, 'brief.md')
    const [a, b] = values.worlds.split(',')
    writeFileSync(brief, BRIEF.replace('WORLD_A', a).replace('WORLD_B', b))
    const [wh, fps] = values.size.split('@')
    const [w, h] = wh.split('x').map(Number)
    output = { width: w, height: h, fps: Number(fps) }
  }
  const t0 = performance.now()
  const result = await render({ song, brief, outDir: join(out, 'run'), output, resume: false, llm: null })
  console.log(`render of ${song} at ${output.width}x${output.height} @ ${output.fps}: ${result.shots} shots in ${((performance.now() - t0) / 1000).toFixed(0)} s (${result.outDir})`)
  scoresPath = result.files.scores
}
const scores = JSON.parse(readFileSync(scoresPath, 'utf8'))
// scores.json does not carry the framing: read it from the plan next to it.
try {
  const plan = JSON.parse(readFileSync(join(scoresPath, '..', 'plan.json'), 'utf8'))
  for (const s of scores.shots) s.framing = plan.shots[s.index]?.framing + (plan.shots[s.index]?.kind ? `/${plan.shots[s.index].kind}` : '')
} catch {}
summarise(scores)
