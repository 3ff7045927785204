import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fillPlaceholders, parseCsv, parseJsonRows, rowSuffix } from '../src/batch/dataTable.js'
import { loadVariants, VariantsError } from '../src/batch/variants.js'
import { exitCodeOf } from '../src/errors.js'

function project(files: Record<string, string>): { dir: string; brief: string; variants: string } {
  const dir = mkdtempSync(join(tmpdir(), 'longav-variants-'))
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    writeFileSync(join(dir, name), body)
  }
  return { dir, brief: dir, variants: join(dir, 'variants.yaml') }
}

async function refused(files: Record<string, string>): Promise<VariantsError> {
  const p = project(files)
  const err = await loadVariants(p.variants, { briefDir: p.brief, defaultCaptions: false }).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(VariantsError)
  expect(exitCodeOf(err)).toBe(2)
  return err as VariantsError
}

describe('data tables', () => {
  it('reads RFC 4180 CSV: quotes, doubled quotes, commas and newlines in fields, CRLF, BOM', () => {
    const rows = parseCsv('\uFEFFname,hook\r\nde,"Jetzt, neu"\r\nfr,"Il dit ""oui""\nencore"\r\n')
    expect(rows).toEqual([
      { name: 'de', hook: 'Jetzt, neu' },
      { name: 'fr', hook: 'Il dit "oui"\nencore' },
    ])
  })
  it('says which line is wrong', () => {
    expect(() => parseCsv('a,b\n1,2,3\n')).toThrow(/data row 1 has 3 fields, the header 2/)
    expect(() => parseCsv('a,b\n"1,2\n')).toThrow(/never closed/)
    expect(() => parseCsv('a,a\n1,2\n')).toThrow(/appears twice/)
    expect(() => parseCsv('a,b\n')).toThrow(/at least one data row/)
  })
  it('reads JSON rows of strings and numbers, refuses nested values', () => {
    expect(parseJsonRows('[{"market":"uk","price":9.99}]')).toEqual([{ market: 'uk', price: '9.99' }])
    expect(() => parseJsonRows('[{"market":{"x":1}}]')).toThrow(/row 1, 'market'/)
    expect(() => parseJsonRows('{')).toThrow(/not valid JSON/)
  })
  it('fills placeholders and names a missing column', () => {
    expect(fillPlaceholders('Out now in {{ market }}!', { market: 'UK' })).toBe('Out now in UK!')
    expect(() => fillPlaceholders('{{city}}', { market: 'UK' })).toThrow(/not a column .*market/)
    expect(() => fillPlaceholders('{{city}}', undefined)).toThrow(/no data table/)
    expect(rowSuffix({ name: 'São Paulo / BR' }, 0)).toBe('Sao-Paulo-BR')
    expect(rowSuffix({ x: '1' }, 4)).toBe('5')
  })
})

describe('variants file', () => {
  it('expands formats × lengths × rows, merges defaults and fills texts', async () => {
    const p = project({
      'variants.yaml': [
        'defaults:',
        '  loudness: -14',
        '  texts: { brand: { color: "#ffffff", background: "#e91e63" }, cta: "Stream it" }',
        'variants:',
        '  - name: social',
        '    format: [tiktok, "1:1"]',
        '    length: [15, full]',
        '    texts: { hook: "New in {{market}}" }',
        '    data: markets.csv',
        '  - { name: tv, format: { width: 1280, height: 720 }, loudness: -23 }',
      ].join('\n'),
      'markets.csv': 'name,market\nuk,the UK\nde,Germany\n',
    })
    const vs = await loadVariants(p.variants, { briefDir: p.brief, defaultCaptions: true })
    expect(vs.map((v) => v.name)).toEqual([
      'social-tiktok-15s-uk', 'social-tiktok-full-uk', 'social-1x1-15s-uk', 'social-1x1-full-uk',
      'social-tiktok-15s-de', 'social-tiktok-full-de', 'social-1x1-15s-de', 'social-1x1-full-de',
      'tv',
    ])
    const de = vs.find((v) => v.name === 'social-1x1-15s-de')!
    expect(de.texts.hook).toEqual({ text: 'New in Germany', color: '#ffffff', background: '#e91e63', fontPx: undefined })
    expect(de.texts.cta?.text).toBe('Stream it')
    expect(de.loudness).toBe(-14)
    expect(de.length).toBe(15)
    expect(de.row).toEqual({ name: 'de', market: 'Germany' })
    const tv = vs.find((v) => v.name === 'tv')!
    expect(tv.loudness).toBe(-23)
    expect(tv.length).toBe('full')
    expect(tv.texts.captions).toBe(true)
  })

  it('names the variant and the field of every problem, all at once', async () => {
    const err = await refused({
      'variants.yaml': [
        'variants:',
        '  - { name: a, format: tiktok, texts: { hook: { text: hi, color: red } } }',
        '  - { name: "b c", format: tiktok }',
        '  - { name: d, format: tiktok, length: -3 }',
        '  - { name: e, format: tiktok, colour: "#fff" }',
      ].join('\n'),
    })
    expect(err.message).toMatch(/variants\[0\] \(a\)\.texts\.hook.*color.*a colour like/)
    expect(err.message).toMatch(/variants\[1\] \(b c\)\.name: a file-name-safe name/)
    expect(err.message).toMatch(/variants\[2\] \(d\)\.length/)
    expect(err.message).toMatch(/variants\[3\] \(e\).*colour/)
    expect(err.issues).toHaveLength(4)
  })

  it('refuses a logo or a data table outside the folders, a missing column, duplicate names, bad YAML', async () => {
    expect((await refused({ 'variants.yaml': 'variants:\n  - { name: a, format: tiktok, texts: { endcard: { text: x, logo: ../logo.png } } }\n' })).message).toMatch(
      /texts\.endcard\.logo: logo '\.\.\/logo\.png' is outside/,
    )
    expect((await refused({ 'variants.yaml': 'variants:\n  - { name: a, format: tiktok, texts: { endcard: { text: x, logo: nope.png } } }\n' })).message).toMatch(/logo 'nope\.png' not found/)
    expect((await refused({ 'variants.yaml': 'variants:\n  - { name: a, format: tiktok, data: /etc/passwd }\n' })).message).toMatch(/data: data table '\/etc\/passwd' is outside/)
    expect((await refused({ 'variants.yaml': 'variants:\n  - { name: a, format: tiktok, texts: { hook: "{{city}}" }, data: t.csv }\n', 't.csv': 'market\nuk\n' })).message).toMatch(
      /texts\.hook \(data row 1\): uses \{\{city\}\}, which is not a column/,
    )
    expect((await refused({ 'variants.yaml': 'variants:\n  - { name: a, format: tiktok }\n  - { name: a, format: tiktok }\n' })).message).toMatch(/named 'a'.*unique/)
    expect((await refused({ 'variants.yaml': 'variants: [\n' })).message).toMatch(/not valid YAML/)
    expect((await refused({ 'variants.yaml': 'variants: []\n' })).message).toMatch(/at least one variant/)
    const p = project({ 'variants.yaml': 'variants:\n  - { name: a, format: tiktok, texts: { endcard: { text: x, logo: l.png } } }\n' })
    symlinkSync('/etc/hostname', join(p.dir, 'l.png'))
    const err = await loadVariants(p.variants, { briefDir: p.brief, defaultCaptions: false }).catch((e: unknown) => e)
    expect(String(err)).toMatch(/links outside/)
  })

  it('reports a missing variants file as an input error', async () => {
    const err = await loadVariants('/nonexistent/variants.yaml', { briefDir: '/tmp', defaultCaptions: false }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(VariantsError)
    expect(String(err)).toMatch(/not found \(looked for \/nonexistent\/variants\.yaml\)/)
  })
})
