// Draw time (CPU) per frame of a wide shot at 1280x720 (two figures, no encode), for a world with and
// without props, against a build of the code before the props (default dist-before/: a copy of dist/ from before the change, inside the repo so packages resolve).
// Run after `npm run build`: node bench/places-speed.mjs [beforeDist] [frames] [rounds]

const before = new URL(process.argv[2] ?? '../dist-before', import.meta.url).pathname
const frames = Number(process.argv[3] ?? 90)
const W = 1280
const H = 720
const FPS = 30

const chars = [
  { kind: 'character', id: 'mika', name: 'Mika', description: 'singer', seed: 11, palette: ['#e63946', '#1d3557', '#f1faee', '#2b1d14'], shape: { height: 0.62, build: 0.3, headSize: 0.16, hair: 2, accessory: 4, outfit: 2 } },
  { kind: 'character', id: 'otto', name: 'Otto', description: 'guitarist', seed: 27, palette: ['#2a9d8f', '#f4a261', '#264653'], shape: { height: 0.7, build: 0.4, headSize: 0.14, hair: 4, accessory: 5, outfit: 1 } },
]
const loc = (world, props, timeOfDay = 'dusk') => ({
  kind: 'location', id: `l-${world}`, name: world, description: world, seed: 42, palette: ['#2a2350', '#ff6b8b', '#ffd166'],
  shape: { world, timeOfDay, density: 0.6, ...(props ? { props } : {}) },
})
function controls(n) {
  const fpb = FPS / 2
  return Array.from({ length: n }, (_, f) => ({
    frame: f, loudness: 0.5 + 0.3 * Math.sin(f / 9), hit: f % fpb === 0 ? 1 : 0, hue: (f * 3) % 360, brightness: 0.6, harmonic: 0.5, vocal: 0,
    sectionIndex: 0, beatPhase: (f % fpb) / fpb, barPhase: (f % (fpb * 4)) / (fpb * 4), onBeat: f % fpb === 0, onDownbeat: f % (fpb * 4) === 0,
  }))
}
function request(location, kind) {
  return {
    shot: { index: 0, startFrame: 0, endFrame: frames, sectionIndex: 0, cutOn: 'start', locationId: location.id, characterIds: chars.map((c) => c.id), camera: 'drift', framing: 'wide', prompt: 'p', seed: 5, continuesPrevious: false, motionGain: 0.8, captions: [], ...(kind ? { kind, prop: location.shape.props?.[0] } : {}) },
    fps: FPS, width: W, height: H, frames, attempt: 0,
    style: { look: 'x', palette: ['#ff6b6b', '#4d96ff'], grain: 0.4, vignette: 0.5, captionFont: 'DejaVu Sans' },
    location, characters: chars, controls: controls(frames), audio: { path: '/x.wav', startSec: 0, endSec: frames / FPS },
    referenceKeyframes: {}, out: { video: '/x', firstFrame: '/x', lastFrame: '/x', keyFrame: '/x' },
  }
}
async function timeOf(dist, location, kind) {
  const { createShotRenderer } = await import(`${dist}/render/generators/procedural/index.js`)
  const r = createShotRenderer(request(location, kind))
  for (let i = 0; i < 5; i++) r.renderFrame(i)
  // CPU time of this process, not wall time: other sessions share the cores.
  const t0 = process.cpuUsage()
  for (let i = 0; i < frames; i++) {
    r.renderFrame(i)
    r.canvas.data() // the readback the encoder does
  }
  const d = process.cpuUsage(t0)
  return (d.user + d.system) / 1000 / frames
}
const now = new URL('../dist', import.meta.url).pathname
const cases = [
  ['skyline (before)', before, loc('skyline')],
  ['skyline (before, again: the noise floor)', before, loc('skyline')],
  ['skyline (after, no props)', now, loc('skyline')],
  ['shoreline (before)', before, loc('shoreline')],
  ['shoreline + boat, lighthouse, gulls, clouds (after)', now, loc('shoreline', ['boat', 'lighthouse', 'gulls', 'clouds'])],
  ['city-street, no props (after)', now, loc('city-street')],
  ['city-street + 6 props (after)', now, loc('city-street', ['street-lamp', 'car', 'neon-sign', 'traffic-light', 'bench', 'billboard'])],
  ['club-stage + 5 props (after)', now, loc('club-stage', ['drum-kit', 'guitar-amp', 'speakers', 'disco-ball', 'microphone-stand'])],
  ['insert of a boat (after)', now, loc('shoreline', ['boat', 'lighthouse']), 'insert'],
]
// Interleaved rounds, best of each: the machine is shared, so the cases see the same load.
const res = {}
const rounds = Number(process.argv[4] ?? 8)
for (let round = 0; round < rounds; round++) {
  for (const [name, dist, location, kind] of cases) res[name] = Math.min(res[name] ?? Infinity, await timeOf(dist, location, kind))
}
for (const [name] of cases) console.log(`${name.padEnd(52)} ${res[name].toFixed(2)} ms/frame`)
console.log(`ratio shoreline with 4 props / shoreline before: ${(res['shoreline + boat, lighthouse, gulls, clouds (after)'] / res['shoreline (before)']).toFixed(3)}`)
console.log(`ratio city-street with 6 props / skyline before: ${(res['city-street + 6 props (after)'] / res['skyline (before)']).toFixed(3)}`)
console.log(`ratio city-street with 6 props / city-street without: ${(res['city-street + 6 props (after)'] / res['city-street, no props (after)']).toFixed(3)}`)
console.log(`ratio insert / shoreline before: ${(res['insert of a boat (after)'] / res['shoreline (before)']).toFixed(3)}`)
console.log(`ratio skyline after / before: ${(res['skyline (after, no props)'] / res['skyline (before)']).toFixed(3)}`)
