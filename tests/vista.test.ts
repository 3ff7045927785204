import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCanvas } from '@napi-rs/canvas'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { heuristicTreatment } from '../src/agents/director/index.js'
import { revisionFromProposal } from '../src/agents/llm/rewrite.js'
import { metricJudgement, type JudgeCandidate, type JudgeInput, type PairJudgement } from '../src/agents/verifier/judgement.js'
import { runTournament } from '../src/agents/verifier/tournament.js'
import { createLlmJudge } from '../src/agents/verifier/vista.js'
import type { Verdict } from '../src/agents/verifier/types.js'
import { analyzeSong } from '../src/audio/index.js'
import { loadBrief } from '../src/brief/index.js'
import { createLlmClient } from '../src/llm/client.js'
import type { LlmConfig, LlmExchange } from '../src/llm/types.js'
import type { CharacterCard, LocationCard, Shot, Treatment } from '../src/schemas/index.js'
import { writeTestBrief } from './helpers/brief.js'
import { jsonReply, startChatServer, statusReply, type ChatBody, type ChatServer, type Handler } from './helpers/chatServer.js'
import { fakeVideoModel, REWRITE_MARK } from './helpers/fakeVideoModel.js'
import { makeSongFixture } from './helpers/songFixture.js'

let dir: string
let treatment: Treatment
const servers: ChatServer[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-vista-'))
  const song = await makeSongFixture({ bpm: 120, seconds: 10, dir, format: 'wav' })
  const analysis = await analyzeSong(song.path)
  const brief = await loadBrief(writeTestBrief(dir))
  treatment = heuristicTreatment({ brief, analysis })
}, 60_000)

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()))
  rmSync(dir, { recursive: true, force: true })
})

function verdict(score: number, accepted: boolean, extra: Partial<Verdict> = {}): Verdict {
  return { score, accepted, critique: accepted ? '' : 'frozen for 1.2 s', checks: { avAlign: 0.4 }, failed: accepted ? [] : ['frozen'], ...extra }
}

/** A candidate whose three frames are flat pictures of one colour (so a test can tell them apart). */
function candidate(attempt: number, score: number, accepted: boolean, colour: string, extra: Partial<Verdict> = {}): JudgeCandidate {
  const frames = ['first', 'key', 'last'].map((n) => {
    const c = createCanvas(64, 36)
    const g = c.getContext('2d')
    g.fillStyle = colour
    g.fillRect(0, 0, 64, 36)
    const p = join(dir, `c${attempt}-${n}.png`)
    writeFileSync(p, c.toBuffer('image/png'))
    return p
  })
  return { attempt, verdict: verdict(score, accepted, extra), frames }
}

function shot(): Shot {
  const loc = treatment.entities.find((e) => e.kind === 'location')!
  return {
    index: 3, startFrame: 60, endFrame: 120, sectionIndex: 0, cutOn: 'beat', locationId: loc.id, characterIds: [], camera: 'push-in',
    framing: 'wide', prompt: 'the rooftop at night', seed: 42, continuesPrevious: false, motionGain: 0.5, captions: [],
  }
}

function input(candidates: JudgeCandidate[], round = 0, maxRounds = 3): JudgeInput {
  const location = treatment.entities.find((e): e is LocationCard => e.kind === 'location')!
  const characters = treatment.entities.filter((e): e is CharacterCard => e.kind === 'character').slice(0, 1)
  return {
    shot: shot(),
    round,
    maxRounds,
    candidates,
    context: { style: treatment.styleBible, mood: treatment.sectionMoods[0], location, characters, music: { section: 'verse', energy: 0.5, bpm: 120, beats: 4, vocal: 0.2 } },
  }
}

async function judgeWith(handler: Handler, cfg: Partial<LlmConfig> = {}) {
  const server = await startChatServer(handler)
  servers.push(server)
  const exchanges: LlmExchange[] = []
  const client = createLlmClient(
    { baseURL: server.url, model: 'vision-test', apiKey: 'sk-vista-secret', method: 'jsonSchema', timeoutMs: 10_000, maxRetries: 0, maxRepairs: 1, ...cfg },
    { onExchange: (e) => exchanges.push(e) },
  )
  const logs: string[] = []
  return { server, exchanges, client, judge: createLlmJudge(client, { onLog: (_l, m) => logs.push(m) }), logs }
}

const schemaOf = (b: ChatBody) => b.response_format?.json_schema?.name
const imagesOf = (b: ChatBody): string[] => {
  const c = b.messages?.find((m) => m.role === 'user')?.content
  return Array.isArray(c) ? c.filter((p: { type: string }) => p.type === 'image_url').map((p: { image_url: { url: string } }) => p.image_url.url) : []
}
const textOf = (b: ChatBody): string => {
  const c = b.messages?.find((m) => m.role === 'user')?.content
  return Array.isArray(c) ? c.filter((p: { type: string }) => p.type === 'text').map((p: { text: string }) => p.text).join('\n') : String(c)
}

describe('tournament', () => {
  const pairJudge = (prefer: (a: JudgeCandidate, b: JudgeCandidate) => number | null, seen: Array<[number, number]>) => async (a: JudgeCandidate, b: JudgeCandidate): Promise<PairJudgement> => {
    seen.push([a.attempt, b.attempt])
    return { first: a.attempt, second: b.attempt, preferred: prefer(a, b), reason: '' }
  }
  const cands = (n: number) => Array.from({ length: n }, (_, i) => ({ attempt: i, verdict: verdict(0.5 + i * 0.01, false), frames: [] }))

  it('judges every match in both orders and k−1 matches for k candidates', async () => {
    for (const k of [2, 3, 4, 5]) {
      const seen: Array<[number, number]> = []
      // A consistent judge that likes attempt 0 (the worst by the metrics) best, then lower numbers.
      const t = await runTournament(cands(k), pairJudge((a, b) => Math.min(a.attempt, b.attempt), seen))
      expect(t.matches).toHaveLength(k - 1)
      expect(seen).toHaveLength(2 * (k - 1))
      for (const m of t.matches) {
        expect(m.judgements.map((j) => [j.first, j.second])).toEqual([[m.a, m.b], [m.b, m.a]])
        expect(m.decidedBy).toBe('model')
      }
      expect(t.winner.attempt).toBe(0)
    }
  })

  it('a judge that always prefers the first shown cancels out: the metrics decide', async () => {
    const seen: Array<[number, number]> = []
    const t = await runTournament(cands(4), pairJudge((a) => a.attempt, seen))
    expect(t.matches.every((m) => m.decidedBy === 'metrics')).toBe(true)
    expect(t.winner.attempt).toBe(3) // best metric score
  })

  it('an accepted candidate outranks a higher-scored rejected one when the model gives no answer', async () => {
    const c = [{ attempt: 0, verdict: verdict(0.9, false), frames: [] }, { attempt: 1, verdict: verdict(0.7, true), frames: [] }]
    const t = await runTournament(c, pairJudge(() => null, []))
    expect(t.winner.attempt).toBe(1)
    expect(metricJudgement(input(c)).winner).toBe(1)
  })
})

describe('LLM judge (VISTA round) against a chat-completions server', () => {
  it('sends each pair in both orders with the frames as images, critiques the winner, and the planner rewrites the shot', async () => {
    const { server, judge, exchanges } = await judgeWith(fakeVideoModel())
    const dark = candidate(0, 0.55, false, '#101010')
    const bright = candidate(1, 0.8, false, '#f0e0a0')
    const j = await judge.judge(input([dark, bright]), {})

    const reqs = server.requests.map((r) => r.body)
    expect(reqs.map(schemaOf)).toEqual(['pair_judgement', 'pair_judgement', 'shot_critique', 'shot_rewrite'])
    // Both orders: the images of A come first; the two requests show them swapped.
    const [ab, ba] = reqs
    expect(imagesOf(ab)).toHaveLength(6)
    expect(imagesOf(ab).slice(0, 3)).toEqual(imagesOf(ba).slice(3))
    expect(imagesOf(ab).slice(3)).toEqual(imagesOf(ba).slice(0, 3))
    for (const url of imagesOf(ab)) expect(url).toMatch(/^data:image\/jpeg;base64,/)
    expect(JSON.stringify(ab.messages)).toContain('"detail":"low"')
    // The metrics of each take travel with it (data fences), and the treatment's look.
    expect(textOf(ab)).toContain('"score": 0.8')
    expect(textOf(ab)).toContain(treatment.styleBible.look.slice(0, 20))
    expect(textOf(ab).indexOf('"score": 0.8')).toBeLessThan(textOf(ab).indexOf('"score": 0.55'))
    expect(textOf(ba).indexOf('"score": 0.55')).toBeLessThan(textOf(ba).indexOf('"score": 0.8'))
    // The critique sees only the winner's three frames.
    expect(imagesOf(reqs[2])).toHaveLength(3)
    expect(imagesOf(reqs[2])).toEqual(imagesOf(ab).slice(0, 3))

    expect(j.winner).toBe(1)
    expect(j.matches).toHaveLength(1)
    expect(j.matches[0].decidedBy).toBe('model')
    expect(j.critique?.acceptable).toBe(false)
    expect(j.passed).toBe(false)
    // The rewrite is repaired: unknown camera kept as it was, gain clamped, new seed, new prompt.
    expect(j.revision?.prompt).toContain(REWRITE_MARK)
    expect(j.revision?.prompt).toContain('the rooftop at night')
    expect(j.revision?.camera).toBeUndefined()
    expect(j.revision?.motionGain).toBe(0.9)
    expect(j.revision?.seed).toBeGreaterThanOrEqual(0)
    expect(j.revision?.seed).not.toBe(42)
    expect(j.revisedBy).toMatch(/^planner:vision-test/)
    expect(j.fallbacks).toEqual([])
    // Transcripts keep images by source path, never their bytes, and never the key.
    const t = JSON.stringify(exchanges)
    expect(t).not.toContain('base64')
    expect(t).not.toContain('sk-vista-secret')
    expect(exchanges[0].user).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'image', source: dark.frames[0] })]))
  })

  it('passes a round when the metrics pass and the critique finds the take acceptable; no rewrite asked', async () => {
    const { server, judge } = await judgeWith(fakeVideoModel())
    const j = await judge.judge(input([candidate(0, 0.9, true, '#334455'), candidate(1, 0.85, true, '#556677')], 1), {})
    expect(server.requests.map((r) => schemaOf(r.body))).toEqual(['pair_judgement', 'pair_judgement', 'shot_critique'])
    expect(j.passed).toBe(true)
    expect(j.revision).toBeUndefined()
  })

  it('the last round is critiqued but not rewritten', async () => {
    const { server, judge } = await judgeWith(fakeVideoModel())
    const j = await judge.judge(input([candidate(0, 0.5, false, '#334455')], 2, 3), {})
    expect(server.requests.map((r) => schemaOf(r.body))).toEqual(['shot_critique'])
    expect(j.passed).toBe(false)
    expect(j.revision).toBeUndefined()
  })

  it('a server that fails falls back to the metrics and says so in the judgement', async () => {
    const { judge, logs } = await judgeWith([statusReply(500)])
    const c = [candidate(0, 0.4, false, '#222222', { revision: { seed: 7 } }), candidate(1, 0.7, false, '#aaaaaa', { revision: { seed: 9 } })]
    const j = await judge.judge(input(c), {})
    expect(j.winner).toBe(1)
    expect(j.matches[0].decidedBy).toBe('metrics')
    expect(j.critique).toBeNull()
    expect(j.revision).toEqual({ seed: 9 })
    expect(j.revisedBy).toBe('metrics')
    expect(j.fallbacks.join(' ')).toMatch(/unavailable/)
    expect(logs.join('\n')).toMatch(/no critique/)
  })

  it('an invalid critique is sent back with the errors, then falls back', async () => {
    const { server, judge } = await judgeWith([jsonReply({ visual: 'great' }), jsonReply({ acceptable: 'yes' })])
    const j = await judge.judge(input([candidate(0, 0.9, true, '#334455')]), {})
    expect(server.requests).toHaveLength(2)
    expect(JSON.stringify(server.requests[1].body.messages)).toContain('did not match the required schema')
    expect(j.critique).toBeNull()
    expect(j.passed).toBe(true)
    expect(j.fallbacks).toEqual(['critique: invalid'])
  })

  it('once the token budget is spent, the judge stops asking and the metrics decide', async () => {
    const { server, judge } = await judgeWith(fakeVideoModel(), { budgetTokens: 1500 })
    const j = await judge.judge(input([candidate(0, 0.5, false, '#101010'), candidate(1, 0.6, false, '#f0f0f0')]), {})
    // 1100 tokens per answer: the second question would go over the budget.
    expect(server.requests).toHaveLength(2)
    expect(j.fallbacks.some((f) => f.includes('budget'))).toBe(true)
    expect(j.critique).toBeNull()
  })
})

describe('rewrite repairs', () => {
  it('keeps model output inside the shot rules: text cleaned and capped, camera and gain checked', () => {
    const fixes: string[] = []
    const r = revisionFromProposal(
      { prompt: `../../etc/passwd\u0000 ${'x'.repeat(900)}`, camera: 'barrel-roll', motionGain: -3, newSeed: false, note: '' },
      shot(),
      1,
      (m) => fixes.push(m),
    )
    expect(r.prompt!.length).toBeLessThanOrEqual(600)
    expect(r.prompt).not.toContain('../')
    expect(r.prompt).not.toContain('\u0000')
    expect(r.camera).toBeUndefined()
    expect(r.motionGain).toBe(0)
    expect(r.seed).toBeUndefined()
    expect(fixes).toHaveLength(3)
  })
})
