import type { BusyError } from '../errors.js'
import type { SpanFormat } from './span-decoders.js'

/** Where a batch of spans came from, for logs and metrics. */
export interface SpanOrigin {
  transport: 'http' | 'grpc'
  format: string
  /** Size of the request as received (after gzip inflation): what it weighs in the queue. */
  bytes: number
}

/**
 * What receivers hand request bodies to, in one of the span formats. It resolves once every
 * span is committed to storage. It rejects with InvalidInputError for a malformed body,
 * BusyError when the queue is full, TooLargeError for too many spans and ShuttingDownError
 * once the server is stopping; then nothing was stored. The sink may take the body's memory
 * over: the receiver must not read the body after handing it on.
 */
export interface SpanSink {
  acceptBody(format: SpanFormat, body: Buffer, origin: SpanOrigin): Promise<void>
  /**
   * Before a body of `bytes` is read: the BusyError to refuse it with, or undefined, and then
   * its bytes count against the queue until `received`. Under overload, bodies read only to be
   * refused, or read all at once, would take the memory.
   */
  admit(bytes: number): BusyError | undefined
  /** The admitted body was read (or the request ended). */
  received(bytes: number): void
}
