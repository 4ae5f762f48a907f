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
  const builder = new EncodedSpansBuilder()
  for (const span of spans) builder.add(span)
  return builder.finish()
}

/** Spans with their lines as encoded already (by `encodeSpan`, now or when stored). */
export function collectEncodedSpans(spans: readonly Span[], lines: readonly string[]): EncodedSpans {
  const builder = new EncodedSpansBuilder()
  spans.forEach((span, i) => builder.add(span, lines[i]))
  return builder.finish()
}

/**
 * Encodes spans one at a time, keeping only what `EncodedSpans` holds of each: a decoder can
 * hand over each span as it is read, and the span is garbage before the next one is read.
 */
export class EncodedSpansBuilder {
  private readonly lines: string[] = []
  private readonly kinds: number[] = []
  private readonly startUs: number[] = []
  private readonly durationUs: number[] = []
  private readonly lineHashes: number[] = []
  private readonly termHashes: number[] = []
  private readonly termEnds: number[] = []
  private readonly encoded: Omit<EncodedSpans, 'text' | 'lineEnds' | 'kinds' | 'startUs' | 'durationUs' | 'lineHashes' | 'termHashes' | 'termEnds'> = {
    traceIds: [],
    spanIds: [],
    parentSpanIds: [],
    serviceNames: [],
    operationNames: [],
    remoteServiceNames: [],
  }

  /** A sanitized span, and its line when it was encoded already. */
  add(span: Span, line: string = encodeSpan(span)): void {
    const encoded = this.encoded
    this.lines.push(line)
    encoded.traceIds.push(span.traceId)
    encoded.spanIds.push(span.spanId)
    encoded.parentSpanIds.push(parentSpanId(span) ?? '')
    encoded.serviceNames.push(span.process.serviceName)
    encoded.operationNames.push(span.operationName)
    encoded.remoteServiceNames.push(span.remoteEndpoint?.serviceName ?? '')
    this.kinds.push(KIND_CODES.indexOf(span.kind) | (span.shared ? SHARED_BIT : 0))
    this.startUs.push(span.startTimeUs)
    this.durationUs.push(span.durationUs)
    this.lineHashes.push(hashString(line))
    for (const hash of spanTermHashes(span)) this.termHashes.push(hash)
    this.termEnds.push(this.termHashes.length)
  }

  finish(): EncodedSpans {
    const lines = this.lines
    const lineEnds = new Uint32Array(lines.length)
    let bytes = 0
    for (let i = 0; i < lines.length; i++) lineEnds[i] = bytes += Buffer.byteLength(lines[i]!)
    // An ArrayBuffer of its own (not a slice of Buffer's pool), so that it can be transferred.
    const text = new Uint8Array(bytes)
    const textWriter = Buffer.from(text.buffer)
    for (let i = 0; i < lines.length; i++) textWriter.write(lines[i]!, i === 0 ? 0 : lineEnds[i - 1]!)
    return {
      text,
      lineEnds,
      ...this.encoded,
      kinds: Uint8Array.from(this.kinds),
      startUs: Float64Array.from(this.startUs),
      durationUs: Float64Array.from(this.durationUs),
      lineHashes: Uint32Array.from(this.lineHashes),
      termHashes: Float64Array.from(this.termHashes),
      termEnds: Uint32Array.from(this.termEnds),
    }
  }
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
