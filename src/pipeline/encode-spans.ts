import { type EncodedSpans, encodeSpanList } from '../model/encoded-spans.js'
import type { Span } from '../model/span.js'
import { SPAN_DECODERS, type SpanFormat } from '../receivers/span-decoders.js'
import { type SanitizeLimits, sanitizeSpan } from './sanitize.js'

/** Decoded spans made safe to store and encoded: what the pipeline queues and the storage writes. */
export function encodeSpans(spans: readonly Span[], limits: SanitizeLimits): EncodedSpans {
  return encodeSpanList(spans.map((span) => sanitizeSpan(span, limits)))
}

/** A body's spans, encoded. Throws InvalidInputError for a malformed body. */
export function encodeBody(format: SpanFormat, body: Buffer, limits: SanitizeLimits): EncodedSpans {
  return encodeSpans(SPAN_DECODERS[format](body), limits)
}
