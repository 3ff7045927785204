/** Log lines from parts built before the render starts (generators), held until its events are connected. */
export interface LogRelay {
  log(level: 'info' | 'warn', message: string): void
  connect(sink: (level: 'info' | 'warn', message: string) => void): void
}

export function createLogRelay(): LogRelay {
  let sink: ((level: 'info' | 'warn', message: string) => void) | undefined
  const held: Array<['info' | 'warn', string]> = []
  return {
    log(level, message) {
      if (sink) sink(level, message)
      else held.push([level, message])
    },
    connect(s) {
      sink = s
      for (const [l, m] of held.splice(0)) s(l, m)
    },
  }
}
