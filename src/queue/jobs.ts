/**
 * What a queued job carries and returns, as data: the step's input (store keys, numbers, paths
 * inside the shared store written `store:relative/path`) and a services spec the worker rebuilds
 * its services from. Never code, never shell text. The job's id is the hash of this data, so
 * the same step asked twice is one job, and its result is kept in the store under that hash.
 */
import { isAbsolute, join, relative, sep } from 'node:path'
import { z } from 'zod'
import { ShotRevision, Verdict } from '../agents/verifier/index.js'
import { Judgement } from '../agents/verifier/judgement.js'
import { Segment, VerifierThresholds } from '../schemas/index.js'
import { stepKey } from '../store/index.js'
import { LongavError } from '../errors.js'

export const QUEUE_NAME = 'longav-shots'
/** The pub/sub channel on which a coordinator asks workers to stop a job it no longer wants. */
export const CANCEL_CHANNEL = 'longav-shots:cancel'
/** The failure reason of a job its coordinator cancelled (a later render asks for it again). */
export const CANCELLED = 'cancelled by its render'

const PREFIX = 'store:'
/** A path inside the shared store, relative to its root: no `..`, not absolute. */
export const StorePath = z
  .string()
  .startsWith(PREFIX)
  .max(1024)
  .refine((s) => {
    const rel = s.slice(PREFIX.length)
    return rel.length > 0 && !rel.includes('\0') && !rel.includes('\\') && !rel.startsWith('/') && !rel.split('/').some((p) => p === '..' || p === '')
  }, 'a path inside the store')

const Key = z.string().regex(/^[0-9a-f]{8,64}$/)
/** A name of a folder or model: letters, digits, dot, dash, underscore; no path. */
const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/)

export const ServicesSpec = z.strictObject({
  /** The brief, stored under this key: which generator each shot uses, and their settings. */
  briefKey: Key,
  generator: z.strictObject({
    /** The render's generator for every shot (else the brief's choice). Footage is not queued: its clips are outside the store. */
    name: z.enum(['procedural', 'onnx', 'comfyui']).optional(),
    onnxModel: Name.optional(),
    comfyuiUrl: z.url({ protocol: /^https?$/ }).optional(),
    comfyuiWorkflow: Name.optional(),
    /** Simulates a remote GPU (benchmarks, tests): wait this long per frame before generating. */
  }),
  verifier: z.literal('heuristic'),
  /** 'llm': the worker's own model configuration (its environment); keys never travel in jobs. */
  judge: z.enum(['metric', 'llm']),
  /** Models inside the store (else the worker's own --models-dir). */
  modelsDir: StorePath.optional(),
})
export type ServicesSpec = z.infer<typeof ServicesSpec>

const Sources = z.strictObject({ songPath: StorePath, analysisKey: Key, treatmentKey: Key, planKey: Key })
const ReferenceView = z.strictObject({ image: StorePath, locationId: z.string().optional(), framing: z.string().optional() })
const StoredSegment = Segment.extend({ path: StorePath, firstFrame: StorePath, lastFrame: StorePath, keyFrame: StorePath })
const StoredVerdict = Verdict.extend({ referenceFrame: StorePath.optional() })
const Int = z.number().int().nonnegative().max(1_000_000)

/** generate + verify of one candidate of one shot. */
export const CandidateJob = z.strictObject({
  services: ServicesSpec,
  thresholds: VerifierThresholds,
  input: z.strictObject({
    sources: Sources,
    shotIndex: Int,
    attempt: Int,
    round: Int,
    candidate: Int,
    revision: ShotRevision,
    initKeyframe: StorePath.optional(),
    references: z.record(z.string(), z.array(ReferenceView)),
  }),
})
export type CandidateJob = z.infer<typeof CandidateJob>

/** One round's judgement of a shot's candidates. */
export const JudgeJob = z.strictObject({
  services: ServicesSpec,
  input: z.strictObject({
    sources: Sources,
    shotIndex: Int,
    round: Int,
    maxRounds: Int,
    revision: ShotRevision,
    attempts: z.array(z.strictObject({ attempt: Int, round: Int, candidate: Int, segment: StoredSegment, verdict: StoredVerdict, cached: z.boolean() })),
  }),
})
export type JudgeJob = z.infer<typeof JudgeJob>

export const CandidateResult = z.strictObject({ segment: StoredSegment, cached: z.boolean(), verdict: StoredVerdict })
export type CandidateResult = z.infer<typeof CandidateResult>
export const JudgeResult = Judgement
export type JudgeResult = z.infer<typeof JudgeResult>

export const JOBS = {
  candidate: { data: CandidateJob, result: CandidateResult },
  judge: { data: JudgeJob, result: JudgeResult },
} as const
export type JobName = keyof typeof JOBS

/** The store key of a job's data (its result is kept under it) and the BullMQ job id made of it. */
export function jobKey(name: JobName, data: unknown): string {
  return stepKey('job', 1, { name, data })
}
export function jobIdOf(name: JobName, key: string): string {
  return `${name}-${key}`
}

/** The fields that hold paths: what is written relative to the store, and checked on the way in. */
const PATH_KEYS = new Set(['songPath', 'image', 'initKeyframe', 'path', 'firstFrame', 'lastFrame', 'keyFrame', 'referenceFrame', 'modelsDir'])

function mapPaths(value: unknown, f: (p: string) => string, key?: string): unknown {
  if (typeof value === 'string') return key !== undefined && PATH_KEYS.has(key) ? f(value) : value
  if (Array.isArray(value)) return value.map((v) => mapPaths(v, f, key === undefined ? undefined : key))
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapPaths(v, f, k)]))
  return value
}

/** Absolute paths under `root` → `store:rel`; a path outside the store is refused (a worker could not read it). */
export function toStorePaths<T>(value: T, root: string): T {
  return mapPaths(value, (p) => {
    const rel = relative(root, p)
    if (!isAbsolute(p) || rel.startsWith('..') || isAbsolute(rel) || rel === '') throw new OutsideStoreError(p, root)
    return PREFIX + rel.split(sep).join('/')
  }) as T
}

/** `store:rel` → absolute under this machine's store root (the schemas have already refused `..`). */
export function fromStorePaths<T>(value: T, root: string): T {
  return mapPaths(value, (p) => (p.startsWith(PREFIX) ? join(root, ...p.slice(PREFIX.length).split('/')) : p)) as T
}

export class OutsideStoreError extends LongavError {
  constructor(path: string, root: string) {
    super(`${path} is outside the shared store ${root}: a worker could not read it`, { kind: 'input', code: 'OUTSIDE_STORE' })
    this.name = 'OutsideStoreError'
  }
}
