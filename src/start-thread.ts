/** Starts a worker thread from a module beside the caller, compiled or (tests, tsx) from sources. */
import { Worker, type WorkerOptions } from 'node:worker_threads'

/**
 * `name` is the module's file name without extension, in the folder of `callerUrl` (the
 * caller's import.meta.url). From sources the thread needs the same TypeScript loader as this one.
 */
export function startThread(callerUrl: string, name: string, options: WorkerOptions): Worker {
  const fromSources = callerUrl.endsWith('.ts')
  const entry = new URL(`./${name}.${fromSources ? 'ts' : 'js'}`, callerUrl)
  if (!fromSources) return new Worker(entry, options)
  const load = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}) })`
  return new Worker(load, { eval: true, ...options })
}
