/**
 * Which shots may start now: not started yet, and (when a shot continues the previous one) the
 * previous shot is finished, because its last frame is this shot's first. Pure.
 */
export function shotIsReadyFlags(
  shotCount: number,
  continues: boolean[],
  started: number[],
  results: Record<string, unknown>,
): boolean[] {
  const isStarted = new Set(started)
  return Array.from({ length: shotCount }, (_, i) => {
    if (isStarted.has(i)) return false
    if (i > 0 && continues[i]) return results[String(i - 1)] !== undefined
    return true
  })
}
