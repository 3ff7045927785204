/**
 * The little XML the timeline formats need: escaping for the writers, and a strict reader of
 * elements and attributes (no DTD, no namespaces, text ignored) for FCPXML and MLT. Pure.
 */

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
}

/** `<name a="1" b="x"` + children + close: one element, attributes escaped. */
export function tag(name: string, attrs: Record<string, string | number | undefined>, children?: string[], indent = ''): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('')
  if (!children?.length) return `${indent}<${name}${a}/>`
  return `${indent}<${name}${a}>\n${children.join('\n')}\n${indent}</${name}>`
}

export interface XmlElement {
  name: string
  attrs: Record<string, string>
  children: XmlElement[]
  /** The text directly inside (MLT keeps property values there). */
  text: string
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function unescape(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10))
    return ENTITIES[e] ?? m
  })
}

/** Parses a document into its root element; throws an Error saying where it stopped making sense. */
export function parseXml(src: string): XmlElement {
  const stack: XmlElement[] = [{ name: '#document', attrs: {}, children: [], text: '' }]
  const re = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<!\[CDATA\[([\s\S]*?)\]\]>|<\/\s*([A-Za-z_][\w.:-]*)\s*>|<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|(<)/g
  let m: RegExpExecArray | null
  while ((m = re.exec(src))) {
    const top = stack[stack.length - 1]
    if (m[1] !== undefined) top.text += m[1]
    else if (m[2]) {
      if (top.name !== m[2]) throw new Error(`closing </${m[2]}> where <${top.name}> is open (offset ${m.index})`)
      stack.pop()
    } else if (m[3]) {
      const attrs: Record<string, string> = {}
      for (const a of m[4].matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[a[1]] = unescape(a[2] ?? a[3])
      const el: XmlElement = { name: m[3], attrs, children: [], text: '' }
      top.children.push(el)
      if (!m[5]) stack.push(el)
    } else if (m[6] !== undefined) top.text += unescape(m[6])
    else if (m[7]) throw new Error(`a '<' that starts no element (offset ${m.index})`)
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1].name}> is never closed`)
  const roots = stack[0].children
  if (roots.length !== 1) throw new Error(roots.length ? 'more than one root element' : 'no element at all')
  return roots[0]
}

/** Every descendant element of this name, in document order. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = []
  const walk = (e: XmlElement) => {
    for (const c of e.children) {
      if (c.name === name) out.push(c)
      walk(c)
    }
  }
  walk(el)
  return out
}
