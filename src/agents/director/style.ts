/** The style bible: one look, one palette, grain and vignette for the whole film. */
import type { Brief, IdentityCard, StyleBible } from '../../schemas/index.js'
import { completePalette } from '../heuristics/colour.js'
import {
  BRIGHT_WORDS,
  CLEAN_WORDS,
  GRAIN_WORDS,
  MONO_WORDS,
  SERIF_WORDS,
  VIGNETTE_WORDS,
} from '../heuristics/keywords.js'
import { hasWord } from '../heuristics/text.js'

/** Round-robin over entity palettes so every entity's lead colour makes it into the first 8. */
export function unionPalette(entities: readonly IdentityCard[], max = 8): string[] {
  const out: string[] = []
  const longest = Math.max(0, ...entities.map((e) => e.palette.length))
  for (let i = 0; i < longest && out.length < max; i++) {
    for (const e of entities) {
      const c = e.palette[i]?.toLowerCase()
      if (c && !out.includes(c) && out.length < max) out.push(c)
    }
  }
  return completePalette(out, 2, max)
}

export function styleBible(brief: Brief, entities: readonly IdentityCard[]): StyleBible {
  const style = brief.style ?? ''
  const grain = hasWord(style, ['vhs']) ? 0.6 : hasWord(style, GRAIN_WORDS) ? 0.45 : hasWord(style, CLEAN_WORDS) ? 0 : 0.12
  const vignette = hasWord(style, VIGNETTE_WORDS) ? 0.55 : hasWord(style, BRIGHT_WORDS) ? 0.1 : 0.25
  // Generic CSS-style family names: the caption renderer maps them to an installed font.
  const captionFont = hasWord(style, MONO_WORDS) ? 'monospace' : hasWord(style, SERIF_WORDS) ? 'serif' : 'sans-serif'
  return {
    look: style.trim().length > 0 ? style.trim() : brief.concept.trim(),
    palette: unionPalette(entities),
    grain,
    vignette,
    captionFont,
  }
}
