/** CPU time and memory of a process, from /proc (Linux). */
import { readFileSync } from 'node:fs'

export interface ProcessStats {
  cpuSeconds: number
  /** VmHWM: the most resident memory the process has had since it started. */
  peakRssBytes: number
  /** VmRSS: resident memory now. */
  rssBytes: number
}

export function processStats(pid: number): ProcessStats {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kilobytes = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024
  return { cpuSeconds: ticks / 100, peakRssBytes: kilobytes('VmHWM'), rssBytes: kilobytes('VmRSS') }
}
