/**
 * The storage's side of the writer thread: starts it, sends it requests and settles each with
 * the thread's answer. Should the thread die, every request pending or to come fails.
 */
import { setFlagsFromString } from 'node:v8'
import type { Worker } from 'node:worker_threads'
import { type EncodedSpans, transferables } from '../../model/encoded-spans.js'
import { PendingRequests } from '../../pending-requests.js'
import { startThread } from '../../start-thread.js'
import type { PurgeResult, SpanStoreWriterOptions, WriteResult } from './span-store-writer.js'
import type { WriterMessage, WriterRequest } from './writer-thread.js'

/** A request without its id, for each kind of request. */
type RequestBody = WriterRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never

/** An error the writer thread met, with SQLite's code (e.g. SQLITE_FULL) when there is one. */
export class WriterError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message)
  }
}

export interface WriterEvents {
  stopped?: (error: Error) => void
  converting?: (spansDone: number, spansTotal: number) => void
}

export class WriterThreadClient {
  /**
   * Starts the thread; resolves once its writer is open, with the postings not sealed yet.
   * `stopped` hears of a thread that stopped other than by close(); `converting`, of the
   * conversion of an older layout while opening.
   */
  static start(options: SpanStoreWriterOptions, events: WriterEvents = {}): Promise<{ client: WriterThreadClient; openPostings: Float64Array }> {
    const client = new WriterThreadClient(startWriterThread(options), events)
    return new Promise((resolve, reject) => {
      client.onReady = (openPostings) => resolve({ client, openPostings })
      client.onStartFailed = reject
    })
  }

  private readonly pending = new PendingRequests<unknown>()
  private stopped: Error | undefined
  private closing = false
  private onReady?: (openPostings: Float64Array) => void
  private onStartFailed?: (error: Error) => void

  private constructor(
    private readonly thread: Worker,
    private readonly events: WriterEvents,
  ) {
    thread.on('message', (message: WriterMessage) => {
      if (message.type === 'ready') return this.onReady?.(message.openPostings)
      if (message.type === 'converting') return this.events.converting?.(message.spansDone, message.spansTotal)
      if (message.type === 'reply') this.pending.resolve(message.id, message.result)
      else this.pending.reject(message.id, new WriterError(message.message, message.code))
    })
    thread.on('error', (error) => this.stop(error))
    thread.on('exit', (code) => this.stop(new Error(`the storage writer thread stopped (exit code ${code})`)))
  }

  /** Takes the requests' buffers over (they are transferred to the thread, not copied). */
  write(requests: readonly EncodedSpans[]): Promise<WriteResult> {
    return this.request({ type: 'write', requests }, requests.flatMap(transferables)) as Promise<WriteResult>
  }

  purge(beforeUs: number, maxSpans: number): Promise<PurgeResult> {
    return this.request({ type: 'purge', beforeUs, maxSpans }) as Promise<PurgeResult>
  }

  async close(): Promise<void> {
    if (this.stopped) return
    this.closing = true
    const exited = new Promise((resolve) => this.thread.once('exit', resolve))
    await this.request({ type: 'close' })
    await exited
  }

  private request(body: RequestBody, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped)
    return this.pending.send((id) => this.thread.postMessage({ ...body, id }, transfer))
  }

  private stop(error: Error): void {
    if (!this.stopped && !this.closing) this.events.stopped?.(error)
    this.stopped ??= error
    this.onStartFailed?.(error)
    this.pending.rejectAll(error)
  }
}

function startWriterThread(options: SpanStoreWriterOptions): Worker {
  // Gives threads started from now on a `gc` function: the writer collects its garbage once idle.
  setFlagsFromString('--expose-gc')
  return startThread(import.meta.url, 'writer-thread', { workerData: options })
}
