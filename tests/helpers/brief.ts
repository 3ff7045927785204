import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { z } from 'zod'
import { Brief } from '../../src/schemas/brief.js'

/** What a brief fixture is written as: the schema's input, so a renamed or retyped field is a type error. */
export type BriefInput = z.input<typeof Brief>

/** A brief built through the schema (defaults filled in, every field validated). */
export function makeBrief(input: BriefInput): Brief {
  return Brief.parse(input)
}

/** A small brief for a 4-section fixture song (intro / verse / chorus / outro). */
export function writeTestBrief(dir: string, extra = ''): string {
  const path = join(dir, 'brief.md')
  writeFileSync(
    path,
    `---
title: Test Song
artist: The Fixtures
concept: Two friends chase the night from a rooftop to a neon dreamscape.
style: grainy synthwave
characters:
  - name: Mara
    description: singer with long hair and a red scarf
  - name: Jun
    description: drummer in a yellow jacket with headphones
    sections: [chorus]
locations:
  - name: Rooftop
    description: a city rooftop at night, skyline behind
    sections: [intro, verse]
  - name: Neon Grid
    description: a synthwave neon grid under a striped sun
    sections: [chorus]
  - name: Shoreline
    description: an empty beach at dawn
    sections: [outro]
lyrics: |
  [00:04.00] we light the city up
  [00:10.00] nothing left but the beat
${extra}---
Keep it moody and warm.
`,
  )
  return path
}
