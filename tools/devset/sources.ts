import { basename } from 'node:path'

/**
 * Where the human-composed music comes from: Debian packages that ship MIDI files, notation
 * (MuseScore scores, ABC tunes) that exports MIDI, and who wrote it, as the packages' own
 * documentation and metadata say. Each composer set belongs to one split only; the packages
 * of the test split are small, so CI can install them (scripts/setup.sh). Pure data.
 *
 * Never listed, for anything: freedoom, planetblupi, frozen-bubble (kept for independent
 * measurement).
 */

export type Split = 'dev' | 'test'
export type SourceKind = 'midi' | 'mscz' | 'abc'

export interface SourceSpec {
  id: string
  /** Debian package that ships the files. */
  pkg: string
  kind: SourceKind
  split: Split
  /** Folder inside the package (absolute path once installed). */
  dir: string
  /** Which files of the folder (by name). */
  match: RegExp
  /** Composer set of a file (documented in the package, or one set per package when it says nothing). */
  composer: (file: string) => string
  /** Files of the folder to leave out, and why (not music with a pulse, or a duplicate). */
  skip?: Record<string, string>
}

const OPENMSX_BY_COMPOSER: Record<string, string[]> = {
  // readme.txt "Credits": all 'Ezy Street' tracks and The Hobo are Jim Redfarn's (the *_redfarn files).
  'tistou-blomberg': ['ultimate_run', 'midnight_snow_run', 'run_for_your_life', 'coconut_run2', 'harp_harmony', 'mighty_giant_run', 'wood_whistles', 'linns_basket', 'relax_song', 'chemistry_lab'],
  imuh3: ['ttsong_iv_imuh3', 'ttsong_iii_imuh3', 'train_filled_with_cash', 'flying_scotsman', 'chuggachugga'],
  mimm: ['busy_schedule', 'the_fast_route'],
  'kyle-timmerman': ['modern_motion'],
  'trolley-trev': ['keep_on_rolling'],
  lucas: ['tttheme2'],
}

function openmsxComposer(file: string): string {
  const stem = basename(file).replace(/\.mid$/i, '')
  if (stem.endsWith('_redfarn')) return 'openmsx:jim-redfarn'
  for (const [who, stems] of Object.entries(OPENMSX_BY_COMPOSER)) if (stems.includes(stem)) return `openmsx:${who}`
  return 'openmsx:unknown'
}

const MUSESCORE_DEMO_COMPOSERS: Record<string, string> = {
  // The scores' own composer fields (metaTag composer, or the title frame's composer text).
  Fugue_1: 'marc-sabatella',
  Reunion: 'marc-sabatella',
  Unclaimed_Gift: 'marc-sabatella',
  All_Dudes: 'marc-sabatella',
  Triumph: 'marc-sabatella',
  Brassed_Up: 'james-thistlewood',
  Dynamic_Strings: 'james-thistlewood',
}

export const SOURCES: SourceSpec[] = [
  // ---------------------------------------------------------------- test split (small packages)
  {
    id: 'openmsx',
    pkg: 'openttd-openmsx',
    kind: 'midi',
    split: 'test',
    dir: '/usr/share/games/openttd/baseset/openmsx',
    match: /\.mid$/i,
    composer: openmsxComposer,
  },
  {
    id: 'abcmidi-examples',
    pkg: 'abcmidi',
    kind: 'abc',
    split: 'test',
    dir: '/usr/share/doc/abcmidi/examples',
    match: /\.abc$/i,
    composer: () => 'abc:abcmidi-examples',
    skip: { 'temperament.abc': 'tuning demonstration', 'detune.abc': 'tuning demonstration', 'drums.abc': 'drum-pattern demonstration' },
  },
  // ---------------------------------------------------------------- dev split
  {
    id: 'simutrans',
    pkg: 'simutrans-data',
    kind: 'midi',
    split: 'dev',
    dir: '/usr/share/games/simutrans/music',
    match: /\.mid$/i,
    // The package names no composers: the whole soundtrack is one set.
    composer: () => 'simutrans',
  },
  {
    id: 'freedink',
    pkg: 'freedink-data',
    kind: 'midi',
    split: 'dev',
    dir: '/usr/share/games/dink/dink/Sound',
    match: /\.mid$/i,
    composer: () => 'freedink',
  },
  {
    id: 'mma-examples',
    pkg: 'mma',
    kind: 'midi',
    split: 'dev',
    dir: '/usr/share/doc/mma/examples',
    match: /\.(mid|kar)$/i,
    composer: () => 'mma-examples',
  },
  {
    id: 'pianobooster',
    pkg: 'pianobooster',
    kind: 'midi',
    split: 'dev',
    dir: '/usr/share/doc/pianobooster/courses',
    match: /\.mid(\.gz)?$/i,
    composer: () => 'pianobooster-courses',
  },
  {
    id: 'musescore3-demos',
    pkg: 'musescore3-common',
    kind: 'mscz',
    split: 'dev',
    dir: '/usr/share/mscore3-3.2/demos',
    match: /\.msc[zx]$/i,
    composer: (f) => `musescore-demo:${MUSESCORE_DEMO_COMPOSERS[basename(f).replace(/\.msc[zx]$/, '')] ?? 'unknown'}`,
  },
  {
    id: 'musescore2-demos',
    pkg: 'musescore-common',
    kind: 'mscz',
    split: 'dev',
    dir: '/usr/share/mscore-2.3/demos',
    match: /\.msc[zx]$/i,
    composer: (f) => `musescore-demo:${MUSESCORE_DEMO_COMPOSERS[basename(f).replace(/\.msc[zx]$/, '')] ?? 'unknown'}`,
    skip: { 'Reunion.mscz': 'the same score as musescore3-common’s Reunion' },
  },
  {
    id: 'abcm2ps-examples',
    pkg: 'abcm2ps',
    kind: 'abc',
    split: 'dev',
    dir: '/usr/share/doc/abcm2ps/examples',
    match: /\.abc$/i,
    composer: () => 'abc:abcm2ps-examples',
    skip: { 'bravura.abc': 'glyph sheet', 'glyphs.abc': 'glyph sheet', 'free.abc': 'free-metre chant' },
  },
  ...(
    [
      ['kobodeluxe', 'kobodeluxe-data', '/usr/share/kobo-deluxe/sfx'],
      ['pinball-hurd', 'pinball-table-hurd-data', '/usr/share/games/pinball/hurd'],
      ['liquidwar', 'liquidwar-data', '/usr/share/games/liquidwar/music'],
      ['pangzero', 'pangzero', '/usr/share/perl5/auto/share/dist/Games-PangZero'],
      ['crimson', 'crimson', '/usr/share/games/crimson/music'],
    ] as const
  ).map(([id, pkg, dir]): SourceSpec => ({ id, pkg, kind: 'midi', split: 'dev', dir, match: /\.mid$/i, composer: () => id })),
]

/** Composer sets in both splits: must be none (checked by the build and the tests). */
export function sharedComposerSets(items: ReadonlyArray<{ split: Split; composerSet: string }>): string[] {
  const by = new Map<string, Set<Split>>()
  for (const it of items) by.set(it.composerSet, (by.get(it.composerSet) ?? new Set()).add(it.split))
  return [...by].filter(([, s]) => s.size > 1).map(([k]) => k)
}
