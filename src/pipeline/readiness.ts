/**
 * Which shots may start now: not started yet; when a shot continues the previous one, the previous
 * shot is finished (its last frame is this shot's first); and every shot `referenceLag` or more
 * before it is finished, because those are the shots whose kept takes it is held to (see
 * `referenceLagFor`). Pure.
 */
export function shotIsReadyFlags(
  shotCount: number,
  continues: boolean[],
  started: number[],
  results: Record<string, unknown>,
  referenceLag = 1,
): boolean[] {
  const isStarted = new Set(started)
  // Shots 0..doneUpTo are all finished.
  let doneUpTo = -1
  while (doneUpTo + 1 < shotCount && results[String(doneUpTo + 1)] !== undefined) doneUpTo++
  return Array.from({ length: shotCount }, (_, i) => {
    if (isStarted.has(i)) return false
    if (i - referenceLag > doneUpTo) return false
    if (i > 0 && continues[i]) return results[String(i - 1)] !== undefined
    return true
  })
}

/**
 * How many shots back a shot's reference keyframes come from: shot i is held to the kept takes of
 * shots 0..i-lag only, whatever finished first, so the same options make the same film however the
 * shots' timing falls. One more than the shots made at once, so a core is not left idle waiting for
 * a slow neighbour; one at a time keeps every earlier shot.
 */
export function referenceLagFor(concurrency: number): number {
  return concurrency <= 1 ? 1 : concurrency + 1
}
