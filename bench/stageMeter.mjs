// Per-stage CPU and wall of a render, for bench/render-example.mjs: node CPU (process.cpuUsage),
// the children's CPU (the exact total from /proc/self/stat once they are reaped, and a split by
// what each ffmpeg child does, sampled from /proc/<pid>/stat while it runs), and wall per stage.
import { readFileSync, readdirSync } from 'node:fs'

const TICK = 100 // clock ticks per second (Linux's USER_HZ)

/** This process's live children, from /proc (cheap: no scan of every process). */
export function childPids() {
  const pids = []
  for (const t of readdirSync('/proc/self/task')) {
    try {
      pids.push(...readFileSync(`/proc/self/task/${t}/children`, 'utf8').split(' ').filter(Boolean))
    } catch {}
  }
  return pids
}

/** CPU seconds of this process's reaped children (cutime + cstime). */
export function childrenCpu() {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(f[13]) + Number(f[14])) / TICK
}

/** What a child does, from its arguments. */
function kindOf(args) {
  if (args[0].endsWith('ffprobe')) return 'probe'
  const a = args.join(' ')
  if (a.includes('rawvideo') && a.includes('-i pipe:0')) return 'encode'
  if (a.includes('-f concat')) return 'stitch'
  if (a.includes('rawvideo') && a.includes('pipe:1')) return 'decode'
  if (a.includes('.png')) return 'png'
  if (a.includes('song.m4a')) return 'song AAC'
  if (a.includes('s16le') || a.includes('f32le') || a.includes('pcm')) return 'audio'
  return 'other'
}

export function stageMeter() {
  const children = new Map() // pid -> { kind, cpu }
  const t0 = performance.now()
  const stages = []
  let current
  const snap = () => ({ t: performance.now(), node: (process.cpuUsage().user + process.cpuUsage().system) / 1e6, kids: childrenCpu() })
  const sample = () => {
    for (const pid of childPids()) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        let c = children.get(pid)
        if (!c) children.set(pid, (c = { kind: kindOf(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')), cpu: 0 }))
        c.cpu = (Number(f[11]) + Number(f[12])) / TICK
      } catch {}
    }
  }
  const timer = setInterval(sample, 200)
  return {
    stage(name) {
      const now = snap()
      if (current) stages.push({ name: current.name, wall: (now.t - current.at.t) / 1000, node: now.node - current.at.node, kids: now.kids - current.at.kids })
      current = name ? { name, at: now } : undefined
    },
    finish() {
      clearInterval(timer)
      this.stage(undefined)
      const byKind = {}
      for (const c of children.values()) byKind[c.kind] = (byKind[c.kind] ?? 0) + c.cpu
      return { stages, byKind, wall: (performance.now() - t0) / 1000 }
    },
  }
}

/** CPU seconds of this process's main thread and of its other threads (the metrics worker, V8's and libuv's helpers). */
export function threadCpu() {
  let main = 0
  let other = 0
  for (const t of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const cpu = (Number(f[11]) + Number(f[12])) / TICK
      if (Number(t) === process.pid) main += cpu
      else other += cpu
    } catch {}
  }
  return { main, other }
}
