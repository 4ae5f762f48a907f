import { type EncodedSpans, EncodedSpansBuilder } from '../model/encoded-spans.js'
import { SPAN_DECODERS, type SpanFormat } from '../receivers/span-decoders.js'
import { type SanitizeLimits, sanitizeSpan } from './sanitize.js'

/**
 * A body's spans, made safe to store and encoded: what the pipeline queues and the storage
 * writes. Throws InvalidInputError for a malformed body.
 */
export function encodeBody(format: SpanFormat, body: Buffer, limits: SanitizeLimits): EncodedSpans {
  const builder = new EncodedSpansBuilder()
  SPAN_DECODERS[format](body, (span) => builder.add(sanitizeSpan(span, limits)))
  return builder.finish()
}
