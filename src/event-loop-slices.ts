/**
 * Long work on the main thread (linking a day's traces, answering a search for a thousand
 * traces) in slices: between two, the event loop turns, so that ingest and other requests are
 * served meanwhile instead of waiting seconds for the end of it.
 */
import { setImmediate as nextTurn } from 'node:timers/promises'

/** How long a slice runs before the event loop turns. */
const SLICE_MS = 10

/** Call `next()` after each step of the work; once a slice's time is up, it resolves after the event loop turned. */
export function slices(): { next(): Promise<void> } {
  let sliceStarted = performance.now()
  return {
    async next() {
      if (performance.now() - sliceStarted < SLICE_MS) return
      await nextTurn()
      sliceStarted = performance.now()
    },
  }
}
