/**
 * Gives memory back to the system once the process has been idle for a while. A burst of
 * ingest grows heaps that do not shrink by themselves when it stops: V8 starts no collection in a
 * thread that has stopped allocating, so the main thread's young generation keeps its grown
 * 32 MB and the garbage of the last requests; and glibc keeps the pages freed inside its heap
 * (some 40 MB after a sustained overload), which only `malloc_trim` hands back. The writer
 * thread frees what it holds a few seconds earlier (writer-thread.ts).
 */
import { createRequire } from 'node:module'
import { setTimeout as delay } from 'node:timers/promises'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** native/release-memory.c, built by `npm ci` (node-gyp). */
interface ReleaseMemoryAddon {
  /** glibc's malloc_trim(0); elsewhere it does nothing. */
  trim(): void
}

function loadAddon(): ReleaseMemoryAddon | Error {
  try {
    return createRequire(import.meta.url)('../build/Release/release_memory.node') as ReleaseMemoryAddon
  } catch (error) {
    return error as Error
  }
}

const addon = loadAddon()

/** Why free pages cannot be handed back to the system, or undefined when they can. */
export const trimUnavailable: string | undefined =
  addon instanceof Error ? `the native module did not load (${addon.message.split('\n')[0]}); \`npm ci\` builds it with node-gyp` : undefined

let collectMainThread: (() => void) | undefined

export interface Released {
  rssBeforeBytes: number
  rssAfterBytes: number
  /** How long the main thread was held: the collection and the trim. */
  pausedMs: number
}

/** V8 frees the buffers of collected garbage on a helper thread, after the collection. */
const TRIM_AFTER_COLLECTION_MS = 1_000

/**
 * Calls `freeCaches` (what the caller holds only to be faster), collects the main thread's
 * garbage, then hands glibc's free pages back.
 */
export async function releaseFreeMemory(freeCaches: () => void = () => {}): Promise<Released> {
  const rssBeforeBytes = process.memoryUsage.rss()
  const collecting = performance.now()
  freeCaches()
  if (!collectMainThread) {
    // A new context gets V8's `gc` once the flag is set.
    setFlagsFromString('--expose-gc')
    collectMainThread = runInNewContext('gc') as () => void
  }
  collectMainThread()
  const collectedMs = performance.now() - collecting
  await delay(TRIM_AFTER_COLLECTION_MS, undefined, { ref: false })
  const trimming = performance.now()
  if (!(addon instanceof Error)) addon.trim()
  return { rssBeforeBytes, rssAfterBytes: process.memoryUsage.rss(), pausedMs: collectedMs + performance.now() - trimming }
}

/**
 * Calls `release` (releaseFreeMemory) once `activity` (a count of requests served) has stood
 * still for `idleMs` to 1.5 times that, once each quiet spell (also the first, after the
 * start), and gives `released` its result. Returns a function that stops watching.
 */
export function releaseMemoryWhenIdle(
  activity: () => number,
  idleMs: number,
  release: () => Promise<Released>,
  released: (result: Released) => void,
): () => void {
  let last = activity()
  let quietChecks = 0
  let done = false
  const timer = setInterval(() => {
    const now = activity()
    if (now !== last) {
      last = now
      quietChecks = 0
      done = false
    } else if (!done && ++quietChecks >= 2) {
      done = true
      void release().then(released)
    }
  }, idleMs / 2).unref()
  return () => clearInterval(timer)
}
