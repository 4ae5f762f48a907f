import type { BusyError } from '../errors.js'
import type { Span } from '../model/span.js'

/** Where a batch of spans came from, for logs and metrics. */
export interface SpanOrigin {
  transport: 'http' | 'grpc'
  format: string
  /** Size of the request as received (after gzip inflation): what it weighs in the queue. */
  bytes: number
}

/** What receivers hand decoded spans to. */
export interface SpanSink {
  /**
   * Resolves once every span is committed to storage. Rejects with BusyError when the queue
   * is full, TooLargeError for too many spans and ShuttingDownError once the server is
   * stopping; then nothing was stored.
   */
  accept(spans: readonly Span[], origin: SpanOrigin): Promise<void>
  /**
   * The BusyError a request of `bytes` would get now, so that a receiver can refuse it before
   * reading its body: under overload, bodies read only to be refused would take the memory.
   */
  busy(bytes: number): BusyError | undefined
}
