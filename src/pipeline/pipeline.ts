import { BusyError, ShuttingDownError, TooLargeError } from '../errors.js'
import { type EncodedSpans, encodeSpanList, spanCount } from '../model/encoded-spans.js'
import type { SpanFormat } from '../receivers/span-decoders.js'
import type { SpanOrigin, SpanSink } from '../receivers/span-sink.js'
import type { SpanWriter } from '../storage/storage.js'
import type { SpanDecoder } from './decoder-thread-client.js'
import type { SanitizeLimits } from './sanitize.js'

export interface PipelineOptions extends SanitizeLimits {
  /** Most spans waiting for a commit; beyond it requests are refused with BusyError. */
  queueCapacitySpans: number
  /** Most request bytes waiting for a commit, likewise. */
  queueCapacityBytes: number
  /** Most spans committed in one transaction (a single larger request is committed whole). */
  batchMaxSpans: number
  /** Larger requests are refused with TooLargeError. */
  maxSpansPerRequest: number
}

/** What the pipeline reports as it works; the admin metrics implement it. */
export interface IngestObserver {
  spansReceived(origin: SpanOrigin, count: number): void
  spansSaved(origin: SpanOrigin, count: number): void
  spansRejected(origin: SpanOrigin, count: number, reason: 'too_large' | 'busy' | 'shutting_down' | 'storage_error'): void
  batchCommitted(seconds: number, spans: number): void
}

interface PendingRequest {
  /** Handed over to the writer, which may take its buffers: read `count` rather than the spans. */
  spans: EncodedSpans
  count: number
  origin: SpanOrigin
  resolve: () => void
  reject: (error: unknown) => void
}

/** Two: one committing, the next waiting at the writer (SpanWriter commits them in order). */
const MAX_WRITES_IN_FLIGHT = 2

/** How long a refused client is asked to wait: a few group commits drain a full queue. */
const RETRY_AFTER_SECONDS = 1

/**
 * The ingest pipeline: decodes request bodies (large ones on its decoding thread), sanitized
 * and encoded; queues them (bounded in spans and bytes) and commits requests in batches (group
 * commit). A request's promise settles only after its spans are committed; a request that does
 * not fit is refused at once, never accepted and dropped.
 */
export class Pipeline implements SpanSink {
  private readonly queue: PendingRequest[] = []
  private queuedSpans = 0
  private queuedBytes = 0
  /** Bytes of admitted request bodies still being read. */
  private receivingBytes = 0
  /** Batches handed to the writer and not committed yet. */
  private writesInFlight = 0
  private writeScheduled = false
  /** Waiting for the queue to empty and every write to settle. */
  private idleWaiters: (() => void)[] = []
  private closing = false

  constructor(
    private readonly options: PipelineOptions,
    private readonly writer: SpanWriter,
    private readonly decoder: SpanDecoder,
    private readonly observer?: IngestObserver,
  ) {}

  /** Spans waiting for a commit. */
  get queueLength(): number {
    return this.queuedSpans
  }

  get queueCapacity(): number {
    return this.options.queueCapacitySpans
  }

  async acceptBody(format: SpanFormat, body: Buffer, origin: SpanOrigin): Promise<void> {
    // Once closing, a body is refused without being decoded.
    const spans = this.closing ? encodeSpanList([]) : await this.decoder.decode(format, body)
    const count = spanCount(spans)
    this.observer?.spansReceived(origin, count)
    const refusal = this.refusal(count, origin)
    if (refusal) {
      this.observer?.spansRejected(origin, count, refusal.reason)
      throw refusal.error
    }
    if (count === 0) return
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ spans, count, origin, resolve, reject })
      this.queuedSpans += count
      this.queuedBytes += origin.bytes
      this.scheduleWrite()
    })
  }

  private refusal(spans: number, origin: SpanOrigin) {
    const { maxSpansPerRequest } = this.options
    if (this.closing) {
      return { reason: 'shutting_down' as const, error: new ShuttingDownError('spanlite is shutting down and takes no new spans; retry against another instance or after the restart') }
    }
    if (spans > maxSpansPerRequest) {
      return { reason: 'too_large' as const, error: new TooLargeError(`the request holds ${spans} spans, more than the limit of ${maxSpansPerRequest}; send smaller batches`) }
    }
    const busy = this.busy(spans, origin.bytes)
    return busy && { reason: 'busy' as const, error: busy }
  }

  admit(bytes: number): BusyError | undefined {
    // Its spans are not known yet: it needs room for one at least.
    const busy = this.busy(1, bytes)
    if (!busy) this.receivingBytes += bytes
    return busy
  }

  received(bytes: number): void {
    this.receivingBytes -= bytes
  }

  /** An empty queue always takes one request, so a request larger than the queue is not refused forever. */
  private busy(spans: number, bytes: number): BusyError | undefined {
    const { queueCapacitySpans, queueCapacityBytes } = this.options
    const full = this.queuedSpans + spans > queueCapacitySpans || this.queuedBytes + this.receivingBytes + bytes > queueCapacityBytes
    if (!full || (this.queuedSpans === 0 && this.receivingBytes === 0)) return undefined
    const message = `the ingest queue is full (${this.queuedSpans} spans, ${this.queuedBytes} bytes waiting for the disk); retry after ${RETRY_AFTER_SECONDS} s`
    return new BusyError(message, RETRY_AFTER_SECONDS)
  }

  /**
   * Writes what is queued on the next turn of the event loop, so that every request parsed
   * meanwhile joins the batch.
   */
  private scheduleWrite(): void {
    if (this.writeScheduled) return
    this.writeScheduled = true
    setImmediate(() => {
      this.writeScheduled = false
      this.writeQueued()
    })
  }

  /**
   * Hands queued requests to the writer, a batch at a time, keeping up to
   * MAX_WRITES_IN_FLIGHT batches there: the next batch is waiting as one commits, so the
   * writer does not idle while its answer travels back and this thread takes the next batch.
   */
  private writeQueued(): void {
    while (this.queue.length > 0 && this.writesInFlight < MAX_WRITES_IN_FLIGHT) {
      this.writesInFlight++
      void this.commit(this.takeBatch()).finally(() => {
        this.writesInFlight--
        this.writeQueued()
        if (this.queue.length === 0 && this.writesInFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve()
      })
    }
  }

  private async commit(batch: PendingRequest[]): Promise<void> {
    const spans = batch.reduce((sum, request) => sum + request.count, 0)
    const started = process.hrtime.bigint()
    try {
      await this.writer.writeEncoded(batch.map((request) => request.spans))
      this.observer?.batchCommitted(Number(process.hrtime.bigint() - started) / 1e9, spans)
      for (const request of batch) {
        this.observer?.spansSaved(request.origin, request.count)
        request.resolve()
      }
    } catch (error) {
      for (const request of batch) {
        this.observer?.spansRejected(request.origin, request.count, 'storage_error')
        request.reject(error)
      }
    } finally {
      this.queuedSpans -= spans
      for (const request of batch) this.queuedBytes -= request.origin.bytes
    }
  }

  private takeBatch(): PendingRequest[] {
    const batch = [this.queue.shift()!]
    let spans = batch[0]!.count
    while (this.queue.length > 0 && spans + this.queue[0]!.count <= this.options.batchMaxSpans) {
      const next = this.queue.shift()!
      spans += next.count
      batch.push(next)
    }
    return batch
  }

  /** Refuses new spans and resolves once every queued span is committed. */
  async close(): Promise<void> {
    this.closing = true
    if (this.queue.length > 0 || this.writesInFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve))
    await this.decoder.close()
  }
}
