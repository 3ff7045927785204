import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

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
