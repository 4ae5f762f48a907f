/**
 * The pipeline's side of the decoding thread. The thread starts with the first large body, so
 * a server that receives none does not pay for it, and starts again after it stopped (a body
 * that crashed it fails alone).
 */
import type { Worker } from 'node:worker_threads'
import { InvalidInputError } from '../errors.js'
import type { EncodedSpans } from '../model/encoded-spans.js'
import type { SpanFormat } from '../receivers/span-decoders.js'
import { PendingRequests } from '../pending-requests.js'
import { startThread } from '../start-thread.js'
import type { DecodeReply } from './decoder-thread.js'
import { encodeBody } from './encode-spans.js'
import type { SanitizeLimits } from './sanitize.js'

/** What the pipeline needs to turn a body into spans to queue. */
export interface SpanDecoder {
  /** Rejects with InvalidInputError for a malformed body. May take the body's memory over. */
  decode(format: SpanFormat, body: Buffer): Promise<EncodedSpans>
  close(): Promise<void>
}

/**
 * A thread that decoded nothing for this long stops, and with it goes its heap (tens of MB
 * after a burst); the next large body starts it again, in about 0.1 s.
 */
const IDLE_STOP_MS = 10_000

/**
 * Smaller bodies (an Envoy batch of 5 spans is about 6 KB) are decoded where they arrived:
 * that takes a fraction of a millisecond, less than two hops between threads add to the
 * request, above all when busy cores make each hop wait to be scheduled.
 */
const INLINE_MAX_BYTES = 16 * 1024

export class DecoderThreadClient implements SpanDecoder {
  private thread: DecoderThread | undefined
  private idleTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly limits: SanitizeLimits,
    private readonly idleStopMs = IDLE_STOP_MS,
  ) {}

  get threadRunning(): boolean {
    return this.thread?.running === true
  }

  decode(format: SpanFormat, body: Buffer): Promise<EncodedSpans> {
    if (body.length <= INLINE_MAX_BYTES) {
      try {
        return Promise.resolve(encodeBody(format, body, this.limits))
      } catch (error) {
        return Promise.reject(error)
      }
    }
    if (!this.thread?.running) this.thread = new DecoderThread(this.limits)
    const thread = this.thread
    clearTimeout(this.idleTimer)
    const decoded = thread.decode(format, body)
    const stopWhenIdle = () => {
      if (thread.idle) this.idleTimer = setTimeout(() => thread.idle && void thread.stop(), this.idleStopMs).unref()
    }
    decoded.then(stopWhenIdle, stopWhenIdle)
    return decoded
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer)
    await this.thread?.stop()
    this.thread = undefined
  }
}

class DecoderThread {
  running = true
  private readonly worker: Worker
  private readonly pending = new PendingRequests<EncodedSpans>()

  constructor(limits: SanitizeLimits) {
    this.worker = startThread(import.meta.url, 'decoder-thread', { workerData: limits })
    this.worker.on('message', (reply: DecodeReply) => {
      if ('spans' in reply) this.pending.resolve(reply.id, reply.spans)
      else this.pending.reject(reply.id, reply.invalid ? new InvalidInputError(reply.error) : new Error(reply.error))
    })
    this.worker.on('error', (error) => this.stopped(error))
    this.worker.on('exit', (code) => this.stopped(new Error(`the span decoding thread stopped (exit code ${code})`)))
  }

  /** Nothing to decode: no body waits for its answer. */
  get idle(): boolean {
    return this.pending.size === 0
  }

  decode(format: SpanFormat, body: Buffer): Promise<EncodedSpans> {
    // A body with an ArrayBuffer of its own moves to the thread rather than being copied: the
    // main thread's heap then stops counting it towards its next full collection at once.
    const transfer = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? [body.buffer as ArrayBuffer] : []
    return this.pending.send((id) => this.worker.postMessage({ id, format, body }, transfer))
  }

  async stop(): Promise<void> {
    this.running = false
    await this.worker.terminate()
  }

  private stopped(error: Error): void {
    this.running = false
    this.pending.rejectAll(error)
  }
}
