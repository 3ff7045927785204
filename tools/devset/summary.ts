import type { DevsetManifest } from './manifest.js'
import type { Split } from './sources.js'

/** The set's make-up per split as text: items, hours, meters, BPM range, sources, soundfonts, tags. Pure. */
export function summarize(m: DevsetManifest): string {
  const lines: string[] = []
  for (const split of ['dev', 'test'] as Split[]) {
    const items = m.items.filter((i) => i.split === split)
    if (!items.length) {
      lines.push(`${split}: no items`)
      continue
    }
    const sec = items.reduce((a, i) => a + i.durationSec, 0)
    const count = (key: (i: (typeof items)[number]) => string[]) => {
      const c = new Map<string, number>()
      for (const i of items) for (const k of key(i)) c.set(k, (c.get(k) ?? 0) + 1)
      return [...c].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')
    }
    const bpms = items.map((i) => i.bpm)
    lines.push(`${split}: ${items.length} items, ${(sec / 3600).toFixed(2)} h of audio, ${new Set(items.map((i) => i.id.split('#')[0])).size} pieces`)
    lines.push(`  meters: ${count((i) => [String(i.meter)])}`)
    lines.push(`  signatures: ${count((i) => i.tags.filter((t) => /^\d+\/\d+$/.test(t)))}`)
    lines.push(`  BPM: ${Math.min(...bpms).toFixed(0)}–${Math.max(...bpms).toFixed(0)} (median ${bpms.sort((a, b) => a - b)[bpms.length >> 1].toFixed(0)})`)
    lines.push(`  sources: ${count((i) => [i.source])}`)
    lines.push(`  composer sets: ${new Set(items.map((i) => i.composerSet)).size} (${count((i) => [i.composerSet])})`)
    lines.push(`  soundfonts: ${count((i) => [i.soundfont])}`)
    lines.push(`  processing: ${count((i) => [i.processing])}`)
    lines.push(`  tags: ${count((i) => i.tags.filter((t) => !/^\d+\/\d+$/.test(t)))}`)
  }
  const drops = new Map<string, number>()
  for (const d of m.dropped) {
    const why = d.reason.replace(/\(.*\)|[\d.]+/g, '#').replace(/\s+/g, ' ').trim()
    drops.set(why, (drops.get(why) ?? 0) + 1)
  }
  lines.push(`dropped: ${m.dropped.length} pieces`)
  for (const [why, n] of [...drops].sort((a, b) => b[1] - a[1])) lines.push(`  ${n} × ${why}`)
  return lines.join('\n')
}
