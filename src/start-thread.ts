/** Starts a worker thread from a module beside the caller, compiled or (tests, tsx) from sources. */
import { Worker, type WorkerOptions } from 'node:worker_threads'

/**
 * What a thread holds is bounded (a decoded body of at most one request's spans, a write batch,
 * the open postings), so a heap limit makes V8 collect early rather than let garbage grow the
 * process.
 */
const THREAD_HEAP_MB = 128
/**
 * A thread's young generation: 4 MB a half (V8 sizes it at three halves), where the main thread
 * keeps V8's default of 16. The threads keep little alive, and their young generations at 16
 * took the peak under sustained overload from about 200 MB to 265-290; the main thread's at 16
 * took about 25 MB of that, and cut the tail of the searches it answers under ingest by a
 * fifth. No `--max-semi-space-size` may be given: V8 lets that flag override this limit.
 */
const THREAD_YOUNG_GENERATION_MB = 12

/**
 * `name` is the module's file name without extension, in the folder of `callerUrl` (the
 * caller's import.meta.url). From sources the thread needs the same TypeScript loader as this one.
 */
export function startThread(callerUrl: string, name: string, options: Omit<WorkerOptions, 'resourceLimits'>): Worker {
  const fromSources = callerUrl.endsWith('.ts')
  const entry = new URL(`./${name}.${fromSources ? 'ts' : 'js'}`, callerUrl)
  const withLimits = { ...options, resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB, maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB } }
  if (!fromSources) return new Worker(entry, withLimits)
  const load = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}) })`
  return new Worker(load, { eval: true, ...withLimits })
}
