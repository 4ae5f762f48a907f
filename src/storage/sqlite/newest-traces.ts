import type { TraceId } from '../../model/span.js'

/** Keeps the `limit` traces whose newest matching span started last. */
export class NewestTraces {
  private readonly startByTrace = new Map<string, number>()

  constructor(private readonly limit: number) {}

  get full(): boolean {
    return this.startByTrace.size >= this.limit
  }

  /** Start of the oldest trace that would still be returned. */
  get oldestStartUs(): number {
    return this.sorted()[this.limit - 1]?.[1] ?? -Infinity
  }

  add(id: string, startUs: number): void {
    const known = this.startByTrace.get(id)
    if (known === undefined || startUs > known) this.startByTrace.set(id, startUs)
  }

  /** Newest matching span start by trace id. */
  get startByTraceId(): ReadonlyMap<string, number> {
    return this.startByTrace
  }

  traceIds(): TraceId[] {
    return this.sorted()
      .slice(0, this.limit)
      .map(([id]) => id)
  }

  private sorted(): [string, number][] {
    return [...this.startByTrace].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  }
}
