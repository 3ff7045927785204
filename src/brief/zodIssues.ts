import type { z } from 'zod'
import { CAPTION_BOXES, CAPTION_POSITIONS, CAPTION_SIZE, CAPTION_WEIGHTS, TIMES_OF_DAY, WORLDS } from '../schemas/brief.js'
import { BriefIssue, describeValue, pathToString } from './errors.js'

const NON_EMPTY = 'a non-empty string'
const PALETTE = 'a list of 1 to 6 colours like "#1a2b3c"'
const COLOUR = 'a colour like "#1a2b3c"'
const SECTIONS = 'a list of section labels ("chorus") or 0-based section numbers'
const SECTION = 'a section label ("chorus") or a 0-based section number'

/**
 * What each field should hold, in the user's words. Keys are paths with list indices written
 * as `[]`. The schema's own messages are generic ("expected string"); these say what the field is.
 */
const EXPECTED: Record<string, string> = {
  title: NON_EMPTY,
  concept: NON_EMPTY,
  artist: 'a string',
  style: 'a string',
  characters: 'a list of characters, each with a name and a description',
  'characters[]': 'a mapping with name and description',
  'characters[].name': NON_EMPTY,
  'characters[].description': NON_EMPTY,
  'characters[].palette': PALETTE,
  'characters[].palette[]': COLOUR,
  'characters[].locations': 'a list of location names',
  'characters[].locations[]': 'a location name',
  'characters[].sections': SECTIONS,
  'characters[].sections[]': SECTION,
  locations: 'a list of locations, each with a name and a description',
  'locations[]': 'a mapping with name and description',
  'locations[].name': NON_EMPTY,
  'locations[].description': NON_EMPTY,
  'locations[].world': `one of ${WORLDS.join(', ')}`,
  'locations[].timeOfDay': `one of ${TIMES_OF_DAY.join(', ')}`,
  'locations[].palette': PALETTE,
  'locations[].palette[]': COLOUR,
  'locations[].sections': SECTIONS,
  'locations[].sections[]': SECTION,
  'assets[].path': 'a non-empty path relative to the brief',
  'assets[].tags': 'a list of tags',
  'assets[].tags[]': 'a tag (a string)',
  'output.width': 'an even integer between 64 and 7680',
  'output.height': 'an even integer between 64 and 4320',
  'output.fps': 'a whole number from 1 to 120, or 23.976, 29.97, 47.952 or 59.94',
  captionStyle: 'a mapping with any of weight, position, box, size',
  'captionStyle.weight': `one of ${CAPTION_WEIGHTS.join(', ')}`,
  'captionStyle.position': `one of ${CAPTION_POSITIONS.join(', ')}`,
  'captionStyle.box': `one of ${CAPTION_BOXES.join(', ')}`,
  'captionStyle.size': `a number between ${CAPTION_SIZE.min} and ${CAPTION_SIZE.max} (1 is the default size)`,
}

function patternOf(path: ReadonlyArray<PropertyKey>): string {
  return pathToString(path.map((k) => (typeof k === 'number' ? -1 : k))).replace(/\[-1\]/g, '[]')
}

function valueAt(data: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v = data
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<PropertyKey, unknown>)[key]
  }
  return v
}

/** Fallback wording when a path has no entry above. */
function genericExpectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `a ${issue.expected}`
    case 'invalid_value':
      return `one of ${issue.values.map((v) => String(v)).join(', ')}`
    case 'too_small':
      return `at least ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : ''}`
    case 'too_big':
      return `at most ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : ''}`
    default:
      return issue.message
  }
}

/**
 * Turns schema issues into "expected …, got …" lines against the data that was validated.
 * One issue per field: zod can report several for one value (too small and odd).
 */
export function readableIssues(issues: readonly z.core.$ZodIssue[], data: unknown): BriefIssue[] {
  const out: BriefIssue[] = []
  const seen = new Set<string>()
  for (const issue of issues) {
    const path = pathToString(issue.path)
    if (seen.has(path)) continue
    seen.add(path)
    const value = valueAt(data, issue.path)
    if (issue.code === 'too_big' && issue.origin === 'string' && typeof value === 'string') {
      // The limit, not the field's usual wording: the value is the right kind, only too long.
      out.push({ path, message: `too long: ${value.length.toLocaleString('en-US')} characters, ${issue.message} (starts ${describeValue(value)})` })
      continue
    }
    const expected = EXPECTED[patternOf(issue.path)] ?? genericExpectation(issue)
    const missingRequired = (value === undefined || value === null) && (path === 'title' || path === 'concept')
    out.push({
      path,
      message: `${missingRequired ? `missing: every brief needs a ${path}; ` : ''}expected ${expected} (got ${describeValue(value)})`,
    })
  }
  return out
}
