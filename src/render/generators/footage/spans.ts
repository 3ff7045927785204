/**
 * The spans of footage already shown in this render, per asset. Reservations are synchronous:
 * a shot chooses and reserves in the same tick, so two shots generated at once cannot take the
 * same span.
 */

/** Source frames [start, end) of an asset shown by a shot (a still is the span [0, 1)). */
export interface ReservedSpan {
  asset: string
  start: number
  end: number
  shotIndex: number
  attempt: number
}

/** What choosing reads. */
export interface SpanView {
  spans(asset: string): readonly ReservedSpan[]
}

export class SpanRegistry implements SpanView {
  private readonly byAsset = new Map<string, ReservedSpan[]>()

  spans(asset: string): readonly ReservedSpan[] {
    return this.byAsset.get(asset) ?? []
  }

  reserve(span: ReservedSpan): void {
    if (!(span.end > span.start)) throw new RangeError(`a span must end after it starts (got ${span.start}..${span.end})`)
    const list = this.byAsset.get(span.asset) ?? []
    list.push({ ...span })
    list.sort((a, b) => a.start - b.start)
    this.byAsset.set(span.asset, list)
  }

  /**
   * Frees the spans of one attempt of a shot (it failed or was cancelled); returns them. Spans of
   * a shot's other attempts stay reserved: any of them may be the attempt the render keeps.
   */
  release(shotIndex: number, attempt: number): ReservedSpan[] {
    const freed: ReservedSpan[] = []
    const mine = (s: ReservedSpan) => s.shotIndex === shotIndex && s.attempt === attempt
    for (const [asset, list] of this.byAsset) {
      const keep = list.filter((s) => !mine(s))
      freed.push(...list.filter(mine))
      if (keep.length) this.byAsset.set(asset, keep)
      else this.byAsset.delete(asset)
    }
    return freed
  }

  /** Every reservation, for the record. */
  all(): ReservedSpan[] {
    return [...this.byAsset.values()].flat()
  }
}

/** Frames of [start, end) already covered by `spans` (overlaps between the spans counted once). */
export function overlapFrames(start: number, end: number, spans: readonly ReservedSpan[]): number {
  const parts = spans
    .map((s) => [Math.max(start, s.start), Math.min(end, s.end)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0])
  let covered = 0
  let reach = start
  for (const [a, b] of parts) {
    const from = Math.max(a, reach)
    if (b > from) covered += b - from
    reach = Math.max(reach, b)
  }
  return covered
}
