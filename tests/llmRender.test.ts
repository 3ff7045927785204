import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertPlanInvariants } from '../src/agents/planner/invariants.js'
import { beatGrid } from '../src/agents/planner/grid.js'
import { createProceduralGenerator, render, type SegmentGenerator } from '../src/index.js'
import { Analysis, ShotPlan, Treatment } from '../src/schemas/index.js'
import { writeTestBrief } from './helpers/brief.js'
import { startChatServer, type ChatServer } from './helpers/chatServer.js'
import { fakeVideoModel, REWRITE_MARK, type FakeModelLog } from './helpers/fakeVideoModel.js'
import { makeSongFixture, type SongFixture } from './helpers/songFixture.js'

const BIN = fileURLToPath(new URL('../bin/longav.js', import.meta.url))
const KEY = 'sk-never-show-this-key-123'
let dir: string
let song: SongFixture
let brief: string
const servers: ChatServer[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'longav-llmrender-'))
  song = await makeSongFixture({ bpm: 120, seconds: 12, dir, format: 'wav' })
  brief = writeTestBrief(dir)
}, 60_000)

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()))
  rmSync(dir, { recursive: true, force: true })
})

/** Records the prompt of every generation request, then renders procedurally. */
function recordingGenerator(): SegmentGenerator & { calls: Array<{ shot: number; attempt: number; prompt: string; seed: number }> } {
  const procedural = createProceduralGenerator()
  const calls: Array<{ shot: number; attempt: number; prompt: string; seed: number }> = []
  return {
    id: procedural.id,
    capabilities: procedural.capabilities,
    calls,
    generate(req, ctx) {
      calls.push({ shot: req.shot.index, attempt: req.attempt, prompt: req.shot.prompt, seed: req.shot.seed })
      return procedural.generate(req, ctx)
    },
  }
}

/** Every file under `root`, recursively. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).map((f) => join(root, f)).filter((f) => statSync(f).isFile())
}

function runCli(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Async: the fake model's server lives in this process and must keep answering.
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}

describe('a render with a language model (fake, over the real chat-completions protocol)', () => {
  it('completes; the plan obeys every hard rule; critiques rewrite the next round; usage and rounds are kept', async () => {
    const modelLog: FakeModelLog = { schemas: [] }
    const server = await startChatServer(fakeVideoModel(modelLog))
    servers.push(server)
    const generator = recordingGenerator()
    const outDir = join(dir, 'api')
    const result = await render({
      song: song.path,
      brief,
      outDir,
      output: { width: 320, height: 180, fps: 24 },
      generator,
      llm: { baseURL: server.url, model: 'test-model', apiKey: KEY, method: 'jsonSchema', timeoutMs: 20_000, maxRetries: 1, maxRepairs: 1 },
      rounds: 2,
      candidates: 2,
    })

    // The model wrote the treatment and the plan; code repaired the plan into one that obeys the rules.
    const treatment = Treatment.parse(JSON.parse(readFileSync(join(outDir, 'treatment.json'), 'utf8')))
    const plan = ShotPlan.parse(JSON.parse(readFileSync(join(outDir, 'plan.json'), 'utf8')))
    const analysis = Analysis.parse(JSON.parse(readFileSync(join(outDir, 'analysis.json'), 'utf8')))
    expect(treatment.author).toBe('llm:test-model')
    expect(treatment.logline).toBe('Two friends outrun the dawn.')
    expect(plan.author).toMatch(/^llm:test-model/)
    assertPlanInvariants(plan, analysis, { maxShotFrames: generator.capabilities.maxFrames, treatment })
    const grid = beatGrid(analysis, plan.fps)
    expect(plan.shots.at(-1)!.endFrame).toBe(grid.totalFrames)
    for (const [i, s] of plan.shots.entries()) {
      if (i > 0) expect(s.startFrame).toBe(plan.shots[i - 1].endFrame)
      expect(s.prompt).not.toContain('../')
      expect(s.characterIds).not.toContain('ghost')
    }
    expect(result.frames).toBe(grid.totalFrames)

    // The requests carried the brief's and the analysis's facts.
    const first = String(server.requests[0].body.messages?.find((m) => m.role === 'user')?.content)
    expect(first).toContain('Mara')
    // The brief goes as data, but not where it lives on this machine.
    expect(first).not.toContain(dir)
    expect(first).toContain('a city rooftop at night')
    expect(first).toContain(`"bpm": ${Math.round(analysis.tempo.bpm * 10) / 10}`)

    // VISTA: two candidates in round 0 of every shot; round 1 (the critique failed round 0) gets the rewritten prompt.
    for (const s of plan.shots) {
      const calls = generator.calls.filter((c) => c.shot === s.index)
      const round0 = calls.filter((c) => c.attempt < 2)
      const round1 = calls.filter((c) => c.attempt >= 2)
      expect(round0).toHaveLength(2)
      expect(round0[0].seed).not.toBe(round0[1].seed)
      for (const c of round0) expect(c.prompt).not.toContain(REWRITE_MARK)
      expect(round1.length).toBe(2)
      for (const c of round1) expect(c.prompt.startsWith(REWRITE_MARK)).toBe(true)
    }

    const scores = JSON.parse(readFileSync(join(outDir, 'scores.json'), 'utf8'))
    expect(scores.agents).toMatchObject({ director: 'llm:test-model', planner: 'llm:test-model', judge: 'vista:test-model' })
    for (const stage of ['director', 'planner', 'judge', 'critique', 'rewrite']) {
      expect(scores.llm.stages[stage].requests, stage).toBeGreaterThan(0)
      expect(scores.llm.stages[stage].promptTokens, stage).toBe(scores.llm.stages[stage].requests * 1000)
    }
    expect(scores.llm.total.requests).toBe(server.requests.length)
    expect(scores.llm.settings).toMatchObject({ model: 'test-model', method: 'jsonSchema' })
    expect(result.llm?.requests).toBe(server.requests.length)
    for (const shot of scores.shots) {
      expect(shot.rounds).toHaveLength(2)
      const [r0, r1] = shot.rounds
      expect(r0.matches).toHaveLength(1)
      expect(r0.matches[0].judgements.map((j: { first: number; second: number }) => [j.first, j.second])).toEqual([[r0.matches[0].a, r0.matches[0].b], [r0.matches[0].b, r0.matches[0].a]])
      expect(r0.critique.acceptable).toBe(false)
      expect(r0.revisedBy).toMatch(/^planner:test-model/)
      expect(r1.critique.acceptable).toBe(true)
      expect(shot.attempts).toHaveLength(4)
      expect(r0.candidates).toEqual([0, 1])
      expect(r1.candidates).toEqual([2, 3])
    }

    // The report shows each round: the winner, how the match was decided, the critique and the rewrite.
    const report = readFileSync(join(outDir, 'report.html'), 'utf8')
    expect(report).toContain('Round 2:')
    expect(report).toMatch(/critique: visual 5\/10, sync 7\/10, fit 4\/10: too dark and the neon is missing/)
    expect(report).toContain('revised by planner:test-model')

    // What the model saw is kept in llm/, one file per question; the key is nowhere in the run folder.
    const transcripts = readdirSync(join(outDir, 'llm'))
    expect(transcripts.length).toBe(modelLog.schemas.length)
    expect(transcripts[0]).toBe('00001-director.json')
    const t0 = JSON.parse(readFileSync(join(outDir, 'llm', transcripts[0]), 'utf8'))
    expect(t0.user).toContain('BEGIN BRIEF JSON')
    for (const f of filesUnder(outDir)) {
      if (/\.(mp4|png|wav)$/.test(f)) continue
      expect(readFileSync(f, 'utf8').includes(KEY), f).toBe(false)
    }
  }, 600_000)

  it('the CLI takes --llm-* flags, stops asking once --llm-budget is spent, and prints the model usage', async () => {
    const modelLog: FakeModelLog = { schemas: [] }
    const server = await startChatServer(fakeVideoModel(modelLog, { method: 'functionCalling' }))
    servers.push(server)
    const outDir = join(dir, 'cli')
    const r = await runCli(
      // One shot at a time: with shots in parallel, a request already in flight when the budget runs
      // out still completes (at most one per concurrent shot), which makes the count a race.
      ['render', song.path, brief, '--out', outDir, '--size', '320x180', '--fps', '24', '--rounds', '2', '--candidates', '2', '--concurrency', '1',
        '--llm-base-url', server.url, '--llm-model', 'test-model', '--llm-method', 'function_calling', '--llm-budget', '3000'],
      { LONGAV_LLM_API_KEY: KEY },
    )
    expect(r.status, r.stderr).toBe(0)
    // Function calling was used, and the key travelled only in the Authorization header.
    expect(server.requests[0].body.tools?.[0].function.name).toBe('treatment_proposal')
    expect(server.requests.every((q) => q.hadAuthorization)).toBe(true)
    // 1100 tokens per answer: director, planner, one judgement; then the budget is spent.
    expect(modelLog.schemas).toEqual(['treatment_proposal', 'plan_proposal', 'pair_judgement'])
    expect(r.stderr).toMatch(/model test-model: 3 requests, 3,000 in \+ 300 out tokens, cost unknown for this model; \d+ answer\(s\) fell back to the heuristics/)
    expect(r.stderr).toMatch(/ director\s+1 requests/)
    expect(r.stderr).toMatch(/budget/)
    expect(r.stderr + r.stdout).not.toContain(KEY)
    const scores = JSON.parse(readFileSync(join(outDir, 'scores.json'), 'utf8'))
    expect(scores.llm.fallbacks.length).toBeGreaterThan(0)
    expect(scores.llm.fallbacks.every((f: { reason: string }) => f.reason === 'budget')).toBe(true)
    expect(scores.llm.settings.budgetTokens).toBe(3000)
    expect(readFileSync(join(outDir, 'run.log'), 'utf8')).toMatch(/falling back to the heuristic \(budget\)/)
  }, 600_000)

  it('a bad --llm-* setting is a usage error before anything is made', async () => {
    const r = await runCli(['render', song.path, brief, '--out', join(dir, 'bad'), '--llm-base-url', 'ftp://example', '--llm-model', 'x'], {})
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/--llm-base-url\) must be an http\(s\) URL/)
    const r2 = await runCli(['render', song.path, brief, '--out', join(dir, 'bad'), '--llm-base-url', 'http://127.0.0.1:9/v1'], {})
    expect(r2.status).toBe(2)
    expect(r2.stderr).toMatch(/--llm-model\) is required/)
    // The environment is read too; --no-llm ignores it (heuristics only).
    const env = { LONGAV_LLM_BASE_URL: 'ftp://not-a-model-server', LONGAV_LLM_MODEL: 'x' }
    const r3 = await runCli(['plan', song.path, brief, '--out', join(dir, 'plan-env')], env)
    expect(r3.status).toBe(2)
    expect(r3.stderr).toMatch(/LONGAV_LLM_BASE_URL/)
    const r4 = await runCli(['plan', song.path, brief, '--out', join(dir, 'plan-nollm'), '--no-llm'], env)
    expect(r4.status, r4.stderr).toBe(0)
    expect(JSON.parse(readFileSync(join(dir, 'plan-nollm', 'plan.json'), 'utf8')).author).not.toMatch(/llm/)
  })
})
