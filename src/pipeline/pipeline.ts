import { BusyError, ShuttingDownError } from '../errors.js'
import type { Span } from '../model/span.js'
import type { SpanOrigin, SpanSink } from '../receivers/span-sink.js'
import type { SpanWriter } from '../storage/storage.js'
import { sanitizeSpan } from './sanitize.js'

export interface PipelineOptions {
  /** Most spans waiting for a commit; beyond it requests are refused with BusyError. */
  queueCapacitySpans: number
  /** Most spans committed in one transaction (a single larger request is committed whole). */
  batchMaxSpans: number
}

interface PendingRequest {
  spans: readonly Span[]
  resolve: () => void
  reject: (error: unknown) => void
}

/**
 * The ingest pipeline: sanitizes, queues (bounded) and commits requests in batches
 * (group commit). A request's promise settles only after its spans are committed.
 */
export class Pipeline implements SpanSink {
  private readonly queue: PendingRequest[] = []
  private queuedSpans = 0
  private flushing: Promise<void> | undefined
  private closing = false

  constructor(
    private readonly options: PipelineOptions,
    private readonly writer: SpanWriter,
  ) {}

  /** Spans waiting for a commit. */
  get queueLength(): number {
    return this.queuedSpans
  }

  accept(spans: readonly Span[], _origin: SpanOrigin): Promise<void> {
    if (this.closing) return Promise.reject(new ShuttingDownError('spanlite is shutting down and takes no new spans; send them to another instance or retry after restart'))
    if (spans.length === 0) return Promise.resolve()
    if (this.queuedSpans > 0 && this.queuedSpans + spans.length > this.options.queueCapacitySpans) {
      return Promise.reject(new BusyError(`the ingest queue is full (${this.queuedSpans} of ${this.options.queueCapacitySpans} spans waiting); retry shortly`, 1))
    }
    for (const span of spans) sanitizeSpan(span)
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ spans, resolve, reject })
      this.queuedSpans += spans.length
      this.flushing ??= this.flush()
    })
  }

  /**
   * Commits queued requests batch after batch until the queue is empty. It starts on the next
   * turn of the event loop, so every request parsed meanwhile joins the first batch.
   */
  private async flush(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve))
    while (this.queue.length > 0) {
      const batch = this.takeBatch()
      const spans = batch.flatMap((request) => request.spans)
      try {
        await this.writer.writeSpans(spans)
        for (const request of batch) request.resolve()
      } catch (error) {
        for (const request of batch) request.reject(error)
      } finally {
        this.queuedSpans -= spans.length
      }
    }
    this.flushing = undefined
  }

  private takeBatch(): PendingRequest[] {
    const batch = [this.queue.shift()!]
    let spans = batch[0]!.spans.length
    while (this.queue.length > 0 && spans + this.queue[0]!.spans.length <= this.options.batchMaxSpans) {
      const next = this.queue.shift()!
      spans += next.spans.length
      batch.push(next)
    }
    return batch
  }

  /** Refuses new spans and resolves once every queued span is committed. */
  async close(): Promise<void> {
    this.closing = true
    await this.flushing
  }
}
