import type { TraceId } from '../../model/span.js'

/**
 * Keeps the `limit` traces whose newest matching span started last (ties: the smaller id).
 * Once full, a span older than every kept trace cannot change the answer.
 */
export class NewestTraces {
  private readonly startByTrace = new Map<string, number>()
  private oldest: [id: string, startUs: number] | undefined

  constructor(private readonly limit: number) {}

  get full(): boolean {
    return this.startByTrace.size >= this.limit
  }

  /** Start of the oldest trace kept. */
  get oldestStartUs(): number {
    return this.oldestEntry()?.[1] ?? -Infinity
  }

  /** False when the trace is kept already with a start at least as new: the span adds nothing. */
  isNewer(id: string, startUs: number): boolean {
    const known = this.startByTrace.get(id)
    return known === undefined || startUs > known
  }

  add(id: string, startUs: number): void {
    if (!this.isNewer(id, startUs)) return
    this.startByTrace.set(id, startUs)
    this.oldest = undefined
    if (this.startByTrace.size > this.limit) this.startByTrace.delete(this.oldestEntry()![0])
  }

  /** Newest matching span start by trace id. */
  get startByTraceId(): ReadonlyMap<string, number> {
    return this.startByTrace
  }

  traceIds(): TraceId[] {
    return [...this.startByTrace].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id)
  }

  private oldestEntry(): [string, number] | undefined {
    if (this.oldest && this.startByTrace.has(this.oldest[0])) return this.oldest
    let oldest: [string, number] | undefined
    for (const entry of this.startByTrace) {
      if (!oldest || entry[1] < oldest[1] || (entry[1] === oldest[1] && entry[0] > oldest[0])) oldest = entry
    }
    this.oldest = oldest
    return oldest
  }
}
