/**
 * A scripted "model" behind the loopback chat server that plays every agent of a render: it reads
 * the data the agents put inside the BEGIN/END fences and answers each schema the way a (slightly
 * unruly) model would: a treatment with the brief's names, a plan with a 10-hour shot and a path
 * in it, pairwise judgements from the metrics it is shown, a critique that fails round 1, and a
 * rewrite with an unknown camera move.
 */
import type { ChatBody, Handler, Reply } from './chatServer.js'
import { jsonReply, toolReply } from './chatServer.js'

export const REWRITE_MARK = 'neon rain streaks across'

export interface FakeModelLog {
  /** Schema name of each request, in order. */
  schemas: string[]
}

function userText(body: ChatBody): string {
  const msg = body.messages?.find((m) => m.role === 'user')
  const c = msg?.content
  if (typeof c === 'string') return c
  if (Array.isArray(c)) return c.map((p: { type?: string; text?: string }) => (p.type === 'text' ? (p.text ?? '') : '')).join('\n')
  return ''
}

function fenced(text: string, name: string): unknown {
  const start = text.indexOf(`<<<BEGIN ${name}`)
  const end = text.indexOf(`END ${name}>>>`)
  if (start < 0 || end < 0) throw new Error(`fake model: no ${name} fence in the request`)
  return JSON.parse(text.slice(text.indexOf('\n', start) + 1, end))
}

function schemaName(body: ChatBody): string {
  return body.response_format?.json_schema?.name ?? body.tools?.[0]?.function.name ?? 'unknown'
}

type Brief = { characters: Array<{ name: string; description: string }>; locations: Array<{ name: string; description: string }>; lyrics: Array<{ text: string }> }
type Summary = { durationSec: number; sections: Array<{ index: number; start: number; end: number; energy: number }> }
type TreatmentJson = { entities: Array<{ id: string; kind: string; name: string }>; sectionMoods: Array<{ sectionIndex: number; locationId: string; characterIds: string[] }> }

function treatment(text: string) {
  const brief = fenced(text, 'BRIEF JSON') as Brief
  const song = fenced(text, 'ANALYSIS SUMMARY') as Summary
  return {
    title: 'Night Chase',
    logline: 'Two friends outrun the dawn.',
    styleBible: { look: 'grainy synthwave, magenta haze', palette: ['#ff00aa', '#1a0033', '#ffcc66'], grain: 0.3, vignette: 0.4, captionFont: 'sans-serif' },
    characters: brief.characters.map((c, i) => ({
      name: c.name,
      description: c.description,
      palette: ['#cc2222', '#222222'],
      shape: { height: 0.6 + i * 0.05, build: 0.3, headSize: 0.2, hair: i, accessory: 1, outfit: i },
    })),
    locations: brief.locations.map((l, i) => ({
      name: l.name,
      description: l.description,
      palette: ['#101030', '#ff8800'],
      shape: { world: ['skyline', 'neon-grid', 'shore'][i % 3], timeOfDay: 'night', density: 0.5 },
    })),
    sectionMoods: song.sections.map((s, i) => ({
      sectionIndex: s.index,
      mood: s.energy > 0.6 ? 'euphoric' : 'brooding',
      colour: '#ff3366',
      intensity: Math.min(1, s.energy),
      locationName: brief.locations[i % brief.locations.length].name,
      characterNames: brief.characters.map((c) => c.name),
    })),
    visualHooks: brief.lyrics.slice(0, 1).map((l) => ({ line: l.text, image: 'windows light up one by one' })),
  }
}

function plan(text: string) {
  const song = fenced(text, 'ANALYSIS SUMMARY') as Summary
  const t = fenced(text, 'TREATMENT JSON') as TreatmentJson
  const shots: unknown[] = []
  for (const s of song.sections) {
    const mood = t.sectionMoods.find((m) => m.sectionIndex === s.index) ?? t.sectionMoods[0]
    const mid = (s.start + s.end) / 2
    for (const [a, b] of [[s.start, mid], [mid, s.end]]) {
      shots.push({
        sectionIndex: s.index,
        startSec: a,
        endSec: b,
        locationId: mood.locationId,
        characterIds: mood.characterIds.slice(0, 1),
        camera: shots.length % 2 ? 'pan-left' : 'push-in',
        framing: shots.length % 3 === 0 ? 'wide' : 'medium',
        prompt: `shot ${shots.length}: the city at night`,
        motionGain: 0.6,
      })
    }
  }
  // An unruly model: the last shot asks for ten hours, a path and ids the treatment does not have.
  const last = shots.at(-1) as Record<string, unknown>
  Object.assign(last, { endSec: 36_000, prompt: '../../etc/passwd and the dawn', characterIds: ['ghost', ...(last.characterIds as string[])], camera: 'spin', motionGain: 7 })
  return { shots }
}

function pair(text: string) {
  const a = fenced(text, 'METRICS JSON') as { score: number }
  const rest = text.slice(text.indexOf('END METRICS JSON>>>') + 10)
  const b = fenced(rest, 'METRICS JSON') as { score: number }
  // Prefers the better-measured take; on a tie it always says A (position bias the loop must cancel).
  return { preferred: b.score > a.score ? 'B' : 'A', reason: 'the better-measured take' }
}

function critique(text: string) {
  const round = Number(/round (\d+) of at most/.exec(text)?.[1] ?? '1')
  const ok = round > 1
  return {
    visual: { score: ok ? 8 : 5, notes: ok ? 'clean' : 'muddy, too dark' },
    sync: { score: 7, notes: 'moves with the kick' },
    fit: { score: ok ? 8 : 4, notes: ok ? 'on brief' : 'the neon is missing' },
    acceptable: ok,
    summary: ok ? 'works' : 'too dark and the neon is missing: add neon rain',
  }
}

function rewrite(text: string) {
  const shot = fenced(text, 'SHOT JSON') as { prompt: string }
  return { prompt: `${REWRITE_MARK} ${shot.prompt}`, camera: 'spin', motionGain: 0.9, newSeed: true, note: 'brighter, neon rain, stronger motion' }
}

export function fakeVideoModel(log: FakeModelLog = { schemas: [] }, opts: { method?: 'jsonSchema' | 'functionCalling' } = {}): Handler {
  return (body): Reply => {
    const name = schemaName(body)
    log.schemas.push(name)
    const text = userText(body)
    const value =
      name === 'treatment_proposal'
        ? treatment(text)
        : name === 'plan_proposal'
          ? plan(text)
          : name === 'pair_judgement'
            ? pair(text)
            : name === 'shot_critique'
              ? critique(text)
              : name === 'shot_rewrite'
                ? rewrite(text)
                : { error: `unknown schema ${name}` }
    const usage = { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 }
    return opts.method === 'functionCalling' ? toolReply(name, value, usage) : jsonReply(value, usage)
  }
}
