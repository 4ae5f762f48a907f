/**
 * Spans ready to store, as they go from the decoding thread through the ingest queue to the
 * storage writer: each span's line (span-codec.ts) as UTF-8 bytes, and beside the lines what
 * a store files a span by (ids, names, kind, times, a hash of the line and the hashes of its
 * terms), so that the writer never parses a line again. Flat arrays rather than an object per
 * span: they cross threads as a few copies and wait in the queue mostly outside the JS heap.
 */
import { encodeSpan } from './span-codec.js'
import { parentSpanId, type Span, type SpanId, type SpanKind, type TraceId } from './span.js'
import { spanTermHashes } from './span-terms.js'
import { hashString } from './string-hash.js'

export interface EncodedSpans {
  /** The lines, one after another. */
  text: Uint8Array
  /** Where each span's line ends in `text`; it starts where the one before ends. */
  lineEnds: Uint32Array
  traceIds: TraceId[]
  spanIds: SpanId[]
  /** '' for a root span. */
  parentSpanIds: string[]
  serviceNames: string[]
  operationNames: string[]
  /** The remote endpoint's service name, '' when none. */
  remoteServiceNames: string[]
  /** KIND_CODES index, plus SHARED_BIT for a shared server span. */
  kinds: Uint8Array
  startUs: Float64Array
  durationUs: Float64Array
  /** hashString of the line, to 32 bits: how a store tells a retried span cheaply. */
  lineHashes: Uint32Array
  /** The hashString of each span's terms (span-terms.ts), all spans' one after another. */
  termHashes: Float64Array
  /** Where each span's term hashes end in `termHashes`. */
  termEnds: Uint32Array
}

const KIND_CODES: readonly (SpanKind | undefined)[] = [undefined, 'client', 'server', 'producer', 'consumer', 'internal']
const SHARED_BIT = 0x80

/** Sanitized spans, encoded. */
export function encodeSpanList(spans: readonly Span[]): EncodedSpans {
  return collectEncodedSpans(spans, spans.map(encodeSpan))
}

/** Spans with their lines as encoded already (by `encodeSpan`, now or when stored). */
export function collectEncodedSpans(spans: readonly Span[], lines: readonly string[]): EncodedSpans {
  const count = spans.length
  const lineEnds = new Uint32Array(count)
  let bytes = 0
  for (let i = 0; i < count; i++) lineEnds[i] = bytes += Buffer.byteLength(lines[i]!)
  // An ArrayBuffer of its own (not a slice of Buffer's pool), so that it can be transferred.
  const text = new Uint8Array(bytes)
  const textWriter = Buffer.from(text.buffer)
  const termHashes: number[] = []
  const termEnds = new Uint32Array(count)
  const encoded: EncodedSpans = {
    text,
    lineEnds,
    traceIds: [],
    spanIds: [],
    parentSpanIds: [],
    serviceNames: [],
    operationNames: [],
    remoteServiceNames: [],
    kinds: new Uint8Array(count),
    startUs: new Float64Array(count),
    durationUs: new Float64Array(count),
    lineHashes: new Uint32Array(count),
    termHashes: new Float64Array(0),
    termEnds,
  }
  spans.forEach((span, i) => {
    const line = lines[i]!
    textWriter.write(line, i === 0 ? 0 : lineEnds[i - 1]!)
    encoded.traceIds.push(span.traceId)
    encoded.spanIds.push(span.spanId)
    encoded.parentSpanIds.push(parentSpanId(span) ?? '')
    encoded.serviceNames.push(span.process.serviceName)
    encoded.operationNames.push(span.operationName)
    encoded.remoteServiceNames.push(span.remoteEndpoint?.serviceName ?? '')
    encoded.kinds[i] = KIND_CODES.indexOf(span.kind) | (span.shared ? SHARED_BIT : 0)
    encoded.startUs[i] = span.startTimeUs
    encoded.durationUs[i] = span.durationUs
    encoded.lineHashes[i] = hashString(line)
    for (const hash of spanTermHashes(span)) termHashes.push(hash)
    termEnds[i] = termHashes.length
  })
  encoded.termHashes = Float64Array.from(termHashes)
  return encoded
}

export function spanCount(spans: EncodedSpans): number {
  return spans.lineEnds.length
}

/** The bytes of span `i`'s line: a view into `text`. */
export function lineBytes(spans: EncodedSpans, i: number): Uint8Array {
  return spans.text.subarray(i === 0 ? 0 : spans.lineEnds[i - 1]!, spans.lineEnds[i]!)
}

/** Span `i`'s line as text, to decode (`decodeSpan`) or compare. */
export function lineText(spans: EncodedSpans, i: number): string {
  const bytes = lineBytes(spans, i)
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
}

export function kindOf(spans: EncodedSpans, i: number): SpanKind | undefined {
  return KIND_CODES[spans.kinds[i]! & ~SHARED_BIT]
}

export function isShared(spans: EncodedSpans, i: number): boolean {
  return (spans.kinds[i]! & SHARED_BIT) !== 0
}

/** Span `i`'s term hashes: a view into `termHashes`. */
export function termHashesOf(spans: EncodedSpans, i: number): Float64Array {
  return spans.termHashes.subarray(i === 0 ? 0 : spans.termEnds[i - 1]!, spans.termEnds[i]!)
}

/** The buffers to transfer when posting spans to another thread that takes them over. */
export function transferables(spans: EncodedSpans): ArrayBuffer[] {
  const { text, lineEnds, kinds, startUs, durationUs, lineHashes, termHashes, termEnds } = spans
  return [text, lineEnds, kinds, startUs, durationUs, lineHashes, termHashes, termEnds].map((array) => array.buffer as ArrayBuffer)
}
