/**
 * What the music does under each planned shot, in the few words the shot grammar decides on:
 * loud or quiet, sung or instrumental, building or not. Pure; read from the analysis curves.
 */
import type { Analysis, Curve, Section } from '../../schemas/index.js'
import { baseLabel, isLoud, songSections } from '../heuristics/sections.js'

export interface ShotMusic {
  /** Mean loudness (rms) under the shot, 0..1. */
  loudness: number
  /** Loudness against the song's loud level (90th percentile of rms), 0..1. */
  level: number
  /** The section is loud (LOUD_ENERGY) and the shot is not in a dip. */
  loud: boolean
  /** Low loudness: the only place a dissolve may go. */
  quiet: boolean
  /** A voice is present (the vocal stream is up, or a lyric line is timed under the shot). */
  vocal: boolean
  /** The section rises into a louder one, or is named as a build: walking and running. */
  build: boolean
  /** No voice in the whole section: abstract inserts may go here. */
  instrumental: boolean
  /** The section is a chorus (by name, or the loudest repeated part). */
  chorus: boolean
  /** An instrumental break: an instrumental section with a voice somewhere before and after it. */
  break: boolean
}

/** Quiet: under this share of the song's loud level (90th percentile of rms). */
export const QUIET_SHARE = 0.55
const VERY_QUIET_SHARE = 0.3
/** A voice: the vocal stream above this share of its own 90th percentile, which must reach VOCAL_FLOOR. */
const VOCAL_SHARE = 0.6
const VOCAL_FLOOR = 0.12
const BUILD_RISE = 0.15
/** A section rising into a louder one builds over this last share of its length. */
const BUILD_TAIL = 0.4
const BUILD_NAMES = /build|pre|rise|lift/

function spanMean(c: Curve, t0: number, t1: number): number {
  const a = Math.max(0, Math.floor(t0 * c.fps))
  const b = Math.min(c.values.length, Math.max(a + 1, Math.ceil(t1 * c.fps)))
  let s = 0
  for (let i = a; i < b; i++) s += c.values[i]
  if (b > a) return s / (b - a)
  // A curve shorter than the song (a sketch of one): its overall mean stands in.
  return c.values.length > 0 ? c.values.reduce((x, y) => x + y, 0) / c.values.length : 0
}

function p90(values: readonly number[]): number {
  if (values.length === 0) return 0
  const s = [...values].sort((x, y) => x - y)
  return s[Math.min(s.length - 1, Math.floor(0.9 * s.length))]
}

function chorusIndices(sections: readonly Section[]): Set<number> {
  const named = sections.filter((s) => baseLabel(s.label).startsWith('chorus') || baseLabel(s.label) === 'hook')
  if (named.length > 0) return new Set(named.map((s) => s.index))
  const top = Math.max(...sections.map((s) => s.energy))
  return new Set(sections.filter((s) => isLoud(s.energy) && s.energy >= top - 0.05).map((s) => s.index))
}

/** The music under each shot span [startFrame, endFrame), with whether lyrics are timed there. */
export function shotMusic(
  analysis: Analysis,
  fps: number,
  spans: ReadonlyArray<{ startFrame: number; endFrame: number; sectionIndex: number; sung: boolean }>,
): ShotMusic[] {
  const sections = songSections(analysis)
  const byIndex = new Map(sections.map((s) => [s.index, s]))
  const f = analysis.features
  const loudRef = Math.max(1e-6, p90(f.rms.values))
  const vocalRef = p90(f.vocal.values)
  const hasVoice = vocalRef >= VOCAL_FLOOR
  const choruses = chorusIndices(sections)
  const sectionVocal = new Map(sections.map((s) => [s.index, hasVoice && spanMean(f.vocal, s.start, s.end) >= VOCAL_SHARE * vocalRef]))
  const sungSections = new Set(spans.filter((s) => s.sung).map((s) => s.sectionIndex))
  const voiced = sections.map((s) => sectionVocal.get(s.index) === true || sungSections.has(s.index))
  return spans.map((span) => {
    const section = byIndex.get(span.sectionIndex) ?? sections[0]
    const next = sections[sections.indexOf(section) + 1]
    const t0 = span.startFrame / fps
    const t1 = span.endFrame / fps
    const loudness = spanMean(f.rms, t0, t1)
    // Quiet: soft for the song, in a section that is not loud, or very soft even in a loud one
    // (the analysis may not split a soft opening off as its own section).
    const quiet = loudness < QUIET_SHARE * loudRef && (!isLoud(section.energy) || loudness < VERY_QUIET_SHARE * loudRef)
    const vocal = span.sung || (hasVoice && spanMean(f.vocal, t0, t1) >= VOCAL_SHARE * vocalRef)
    const at = sections.indexOf(section)
    const instrumental = !voiced[at]
    const rising = next !== undefined && next.energy - section.energy >= BUILD_RISE && t0 >= section.end - BUILD_TAIL * (section.end - section.start)
    return {
      loudness,
      level: Math.min(1, loudness / loudRef),
      loud: isLoud(section.energy) && !quiet,
      quiet,
      vocal,
      build: BUILD_NAMES.test(baseLabel(section.label)) || rising,
      instrumental,
      chorus: choruses.has(section.index),
      break: instrumental && voiced.slice(0, at).some(Boolean) && voiced.slice(at + 1).some(Boolean),
    }
  })
}
