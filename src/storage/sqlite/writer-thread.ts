/**
 * The writer thread's entry point: runs a SpanStoreWriter on its own connection and answers
 * the storage's requests one at a time, in order.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { EncodedSpans } from '../../model/encoded-spans.js'
import { SpanStoreWriter, type SpanStoreWriterOptions } from './span-store-writer.js'

export type WriterRequest =
  | { id: number; type: 'write'; requests: readonly EncodedSpans[] }
  | { id: number; type: 'purge'; beforeUs: number; maxSpans: number }
  | { id: number; type: 'close' }

export type WriterMessage =
  | { type: 'ready'; openPostings: Float64Array }
  | { type: 'converting'; spansDone: number; spansTotal: number }
  | { type: 'reply'; id: number; result: unknown }
  | { type: 'failed'; id: number; message: string; code?: string }

const port = parentPort!
const post = (message: WriterMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer)

const writer = new SpanStoreWriter(workerData as SpanStoreWriterOptions, (spansDone, spansTotal) => post({ type: 'converting', spansDone, spansTotal }))
const openPostings = writer.openPostingsDelta()
post({ type: 'ready', openPostings }, [openPostings.buffer as ArrayBuffer])

/**
 * Once ingest stops, this thread gives back what it holds for it: SQLite's page cache (up to 16
 * MB), the open postings' spare room (up to 8 MiB), and its garbage. V8 starts no collection in
 * a thread that has stopped allocating, so the garbage of its last batches would stay, and with
 * it the native memory of the span buffers they held (some 14 MB of the process after an
 * overload); the storage exposes `gc` to this thread for this. The main thread later hands what
 * was freed back to the system (release-memory.ts).
 */
const RELEASE_AFTER_IDLE_MS = 5_000
const collect = (globalThis as { gc?: () => void }).gc
let idleRelease: NodeJS.Timeout | undefined
const release = () => {
  // First, so that the collection frees what the writer lets go of.
  writer.releaseMemory()
  collect?.()
}

port.on('message', (request: WriterRequest) => {
  clearTimeout(idleRelease)
  idleRelease = setTimeout(release, RELEASE_AFTER_IDLE_MS).unref()
  try {
    switch (request.type) {
      case 'write': {
        const result = writer.write(request.requests)
        post({ type: 'reply', id: request.id, result }, [result.postings.buffer as ArrayBuffer, result.blocks.buffer as ArrayBuffer])
        break
      }
      case 'purge':
        post({ type: 'reply', id: request.id, result: writer.purge(request.beforeUs, request.maxSpans) })
        break
      case 'close':
        clearTimeout(idleRelease)
        writer.close()
        post({ type: 'reply', id: request.id, result: null })
        port.close()
        break
    }
  } catch (error) {
    const { message, code } = error as { message: string; code?: string }
    post({ type: 'failed', id: request.id, message, ...(code === undefined ? {} : { code }) })
  }
})
