/**
 * Removes secrets from text before it reaches a log line, an error or a report: the configured key
 * itself wherever it appears, Authorization/Bearer header values, and anything shaped like an
 * OpenAI key (`sk-…`), since a server may echo headers back in an error body.
 */
export function redact(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = text
  for (const s of secrets) {
    // Short strings would redact ordinary words; real keys are long.
    if (s && s.length >= 8) out = out.split(s).join('[REDACTED]')
  }
  return out
    .replace(/(authorization["']?\s*[:=]\s*["']?)(bearer\s+)?[^\s"',}]+/gi, '$1$2[REDACTED]')
    .replace(/\bbearer\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]+/gi, 'Bearer [REDACTED]')
    .replace(/\bsk-[A-Za-z0-9_-]{4,}/g, '[REDACTED]')
}
