/**
 * Dependency links, Jaeger's and Zipkin's alike, are counted per minute and service pair: the
 * calls a write finds are gathered here and stored with one statement per minute and pair.
 */
import type { DependencyQuery } from '../storage.js'

export const MINUTE_US = 60_000_000

/** The start of the minute a time falls in. */
export const minuteOf = (us: number) => Math.floor(us / MINUTE_US) * MINUTE_US

/** The minutes that overlap a query's window: those starting after (its start - one minute), up to its end. */
export function minutesOverlapping(query: DependencyQuery): [afterUs: number, untilUs: number] {
  return [query.endTimeUs - query.lookbackUs - MINUTE_US, query.endTimeUs]
}

export interface CallCount {
  minuteUs: number
  parent: number
  child: number
  calls: number
  errors: number
}

export class CallCounts {
  /** By minute, then by pair (parent * 2^26 + child: service ids stay far below 2^26). */
  private readonly byMinute = new Map<number, Map<number, CallCount>>()

  /** `calls` (and `errors` of them) from `parent` to `child`, made at `startUs`; negative to take some back. */
  add(startUs: number, parent: number, child: number, calls: number, errors: number): void {
    const minuteUs = minuteOf(startUs)
    let pairs = this.byMinute.get(minuteUs)
    if (!pairs) this.byMinute.set(minuteUs, (pairs = new Map()))
    const key = parent * 2 ** 26 + child
    const count = pairs.get(key)
    if (count) {
      count.calls += calls
      count.errors += errors
    } else {
      pairs.set(key, { minuteUs, parent, child, calls, errors })
    }
  }

  *counts(): Generator<CallCount> {
    for (const pairs of this.byMinute.values()) yield* pairs.values()
  }
}
