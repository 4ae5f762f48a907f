import type { TraceId } from '../../model/span.js'

interface Entry {
  id: string
  startUs: number
}

/** The entry that goes first when one must go: the older start, or on a tie the larger id. */
const older = (a: Entry, b: Entry) => a.startUs < b.startUs || (a.startUs === b.startUs && a.id > b.id)

/**
 * Keeps the `limit` traces whose newest matching span started last (ties: the smaller id).
 * Once full, a span older than every kept trace cannot change the answer.
 *
 * The oldest kept trace is found on a heap of (trace, start) entries, made at the first need
 * of it: with the limits of dependency links (100,000 traces), looking for it by walking every
 * kept trace on each eviction took most of a day's search. A trace kept with a newer start, or
 * dropped, leaves its entry behind, skipped when it comes to the top.
 */
export class NewestTraces {
  private readonly startByTrace = new Map<string, number>()
  private heap: Entry[] | undefined

  constructor(private readonly limit: number) {}

  get full(): boolean {
    return this.startByTrace.size >= this.limit
  }

  /** Start of the oldest trace kept. */
  get oldestStartUs(): number {
    return this.oldest()?.startUs ?? -Infinity
  }

  /** False when the trace is kept already with a start at least as new: the span adds nothing. */
  isNewer(id: string, startUs: number): boolean {
    const known = this.startByTrace.get(id)
    return known === undefined || startUs > known
  }

  add(id: string, startUs: number): void {
    if (!this.isNewer(id, startUs)) return
    if (this.full && !this.startByTrace.has(id)) {
      // It would be the one to go at once.
      const oldest = this.oldest()
      if (oldest && !older(oldest, { id, startUs })) return
    }
    this.startByTrace.set(id, startUs)
    if (this.heap) push(this.heap, { id, startUs })
    if (this.startByTrace.size > this.limit) this.startByTrace.delete(this.oldest()!.id)
  }

  /** Newest matching span start by trace id. */
  get startByTraceId(): ReadonlyMap<string, number> {
    return this.startByTrace
  }

  traceIds(): TraceId[] {
    return [...this.startByTrace].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id)
  }

  private oldest(): Entry | undefined {
    if (!this.heap) {
      this.heap = []
      for (const [id, startUs] of this.startByTrace) push(this.heap, { id, startUs })
    }
    const heap = this.heap
    while (heap.length > 0 && this.startByTrace.get(heap[0]!.id) !== heap[0]!.startUs) pop(heap)
    return heap[0]
  }
}

function push(heap: Entry[], entry: Entry): void {
  let i = heap.push(entry) - 1
  while (i > 0) {
    const parent = (i - 1) >> 1
    if (!older(heap[i]!, heap[parent]!)) break
    ;[heap[i], heap[parent]] = [heap[parent]!, heap[i]!]
    i = parent
  }
}

function pop(heap: Entry[]): void {
  const last = heap.pop()!
  if (heap.length === 0) return
  heap[0] = last
  for (let i = 0; ; ) {
    const left = 2 * i + 1
    const right = left + 1
    let first = i
    if (left < heap.length && older(heap[left]!, heap[first]!)) first = left
    if (right < heap.length && older(heap[right]!, heap[first]!)) first = right
    if (first === i) return
    ;[heap[i], heap[first]] = [heap[first]!, heap[i]!]
    i = first
  }
}
