/**
 * Spans ready to store, as they go from the decoding thread through the ingest queue to the
 * storage writer: each span's line (span-codec.ts) as UTF-8 bytes, and beside the lines what
 * a store files a span by (ids, names, kind, times, a hash of the line and the hashes of its
 * terms), so that the writer never parses a line again. Typed arrays only, ids and names as
 * UTF-8 bytes too: they are transferred between threads rather than copied, and wait in the
 * queue outside the JS heap, so the main thread, which answers queries, holds none of their
 * strings.
 */
import { endpointHash } from './dependency-linker.js'
import { encodeSpan } from './span-codec.js'
import { parentSpanId, type Span, type SpanKind, spanHasErrorTag } from './span.js'
import { spanTermHashes } from './span-terms.js'
import { hashString } from './string-hash.js'

export interface EncodedSpans {
  /** The lines, one after another. */
  text: Uint8Array
  /** Where each span's line ends in `text`; it starts where the one before ends. */
  lineEnds: Uint32Array
  /** Each span's SPAN_STRINGS, one after another. */
  strings: Uint8Array
  /** Where each of them ends in `strings`. */
  stringEnds: Uint32Array
  /** KIND_CODES index, plus SHARED_BIT for a shared server span and ERROR_BIT for a span with an `error` tag. */
  kinds: Uint8Array
  startUs: Float64Array
  durationUs: Float64Array
  /** hashString of the line, to 32 bits: how a store tells a retried span cheaply. */
  lineHashes: Uint32Array
  /** endpointHash of each span's local endpoint, for dependency links. */
  endpoints: Uint8Array
  /** The hashString of each span's terms (span-terms.ts), all spans' one after another. */
  termHashes: Float64Array
  /** Where each span's term hashes end in `termHashes`. */
  termEnds: Uint32Array
}

/**
 * The strings kept of each span, in this order: parentSpanId is '' for a root span,
 * remoteServiceName '' when the span has no remote endpoint's.
 */
const SPAN_STRINGS = ['traceId', 'spanId', 'parentSpanId', 'serviceName', 'operationName', 'remoteServiceName'] as const
export type SpanString = (typeof SPAN_STRINGS)[number]
const STRING_INDEX = Object.fromEntries(SPAN_STRINGS.map((name, i) => [name, i])) as Record<SpanString, number>

/** Span kinds by a small number, for compact records: 0 is a span that did not say. */
export const KIND_CODES: readonly (SpanKind | undefined)[] = [undefined, 'client', 'server', 'producer', 'consumer', 'internal']
const SHARED_BIT = 0x80
const ERROR_BIT = 0x40

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
  private readonly strings: string[] = []
  private readonly kinds: number[] = []
  private readonly startUs: number[] = []
  private readonly durationUs: number[] = []
  private readonly lineHashes: number[] = []
  private readonly endpoints: number[] = []
  private readonly termHashes: number[] = []
  private readonly termEnds: number[] = []

  /** A sanitized span, and its line when it was encoded already. */
  add(span: Span, line: string = encodeSpan(span)): void {
    this.lines.push(line)
    // In SPAN_STRINGS order.
    this.strings.push(span.traceId, span.spanId, parentSpanId(span) ?? '', span.process.serviceName, span.operationName, span.remoteEndpoint?.serviceName ?? '')
    this.kinds.push(KIND_CODES.indexOf(span.kind) | (span.shared ? SHARED_BIT : 0) | (spanHasErrorTag(span) ? ERROR_BIT : 0))
    this.startUs.push(span.startTimeUs)
    this.durationUs.push(span.durationUs)
    this.lineHashes.push(hashString(line))
    this.endpoints.push(endpointHash(span.localEndpoint))
    for (const hash of spanTermHashes(span)) this.termHashes.push(hash)
    this.termEnds.push(this.termHashes.length)
  }

  /** Every array a view into one buffer: one allocation, and one buffer to transfer. */
  finish(): EncodedSpans {
    const spans = this.kinds.length
    const textBytes = byteLengths(this.lines)
    const stringBytes = byteLengths(this.strings)
    // Widest elements first, so that every view is aligned.
    const buffer = new ArrayBuffer(8 * (2 * spans + this.termHashes.length) + 4 * (spans * (3 + SPAN_STRINGS.length)) + 2 * spans + textBytes + stringBytes)
    let offset = 0
    const take = (bytes: number) => (offset += bytes) - bytes
    const float64 = (values: readonly number[]) => {
      const array = new Float64Array(buffer, take(8 * values.length), values.length)
      array.set(values)
      return array
    }
    const uint32 = (length: number) => new Uint32Array(buffer, take(4 * length), length)
    const uint8 = (length: number) => new Uint8Array(buffer, take(length), length)
    const startUs = float64(this.startUs)
    const durationUs = float64(this.durationUs)
    const termHashes = float64(this.termHashes)
    const lineEnds = uint32(spans)
    const stringEnds = uint32(this.strings.length)
    const lineHashes = uint32(spans)
    lineHashes.set(this.lineHashes)
    const termEnds = uint32(spans)
    termEnds.set(this.termEnds)
    const kinds = uint8(spans)
    kinds.set(this.kinds)
    const endpoints = uint8(spans)
    endpoints.set(this.endpoints)
    const text = packStrings(this.lines, uint8(textBytes), lineEnds)
    const strings = packStrings(this.strings, uint8(stringBytes), stringEnds)
    return { text, lineEnds, strings, stringEnds, kinds, startUs, durationUs, lineHashes, endpoints, termHashes, termEnds }
  }
}

function byteLengths(list: readonly string[]): number {
  let bytes = 0
  for (const string of list) bytes += Buffer.byteLength(string)
  return bytes
}

/** Writes strings as UTF-8 into `packed`, one after another, and where each ends into `ends`. */
function packStrings(list: readonly string[], packed: Uint8Array, ends: Uint32Array): Uint8Array {
  const writer = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength)
  let bytes = 0
  for (let i = 0; i < list.length; i++) ends[i] = bytes += writer.write(list[i]!, bytes)
  return packed
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
  return utf8(lineBytes(spans, i))
}

/** One of span `i`'s strings. */
export function spanString(spans: EncodedSpans, i: number, name: SpanString): string {
  const k = i * SPAN_STRINGS.length + STRING_INDEX[name]
  return utf8(spans.strings.subarray(k === 0 ? 0 : spans.stringEnds[k - 1]!, spans.stringEnds[k]!))
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
}

export function kindOf(spans: EncodedSpans, i: number): SpanKind | undefined {
  return KIND_CODES[spans.kinds[i]! & ~(SHARED_BIT | ERROR_BIT)]
}

export function isShared(spans: EncodedSpans, i: number): boolean {
  return (spans.kinds[i]! & SHARED_BIT) !== 0
}

/** Span `i` has an `error` tag (spanHasErrorTag). */
export function hasErrorTag(spans: EncodedSpans, i: number): boolean {
  return (spans.kinds[i]! & ERROR_BIT) !== 0
}

/** Span `i`'s term hashes: a view into `termHashes`. */
export function termHashesOf(spans: EncodedSpans, i: number): Float64Array {
  return spans.termHashes.subarray(i === 0 ? 0 : spans.termEnds[i - 1]!, spans.termEnds[i]!)
}

/** The buffer to transfer when posting spans to another thread that takes them over. */
export function transferables(spans: EncodedSpans): ArrayBuffer[] {
  return [spans.text.buffer as ArrayBuffer]
}
