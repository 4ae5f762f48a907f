/**
 * The `spans` column of a trace run: what writes need of a trace's stored spans without reading
 * the blocks, 9 to 10 bytes a span. Each span of a trace has a position: the runs of a trace
 * number their spans on from where the runs before them ended, so that a span can name another
 * span of its trace by position, in a byte, rather than by its id or host in full.
 *
 * The column starts with two varints: the minute the run's earliest span started (minutes since
 * the epoch, plus one; 0 when no span of the run has a start) and the position of its first
 * span. Then per span:
 * - the low 8 bits of its content hash, and the low 32 bits of its span id;
 * - a byte of flags: its kind code (KIND_CODES, or SHARED_SERVER) in bits 0-2, an error tag in
 *   bit 3, a host given by position in bit 4, its parent in bits 5-6 (0 for a root span, 1 when
 *   given by id, 2 by position), a remote service in bit 7;
 * - its parent's id (the low 32 bits) or position (a varint), when the flags say;
 * - its host: the position of an earlier span with the same service and endpoint, or else its
 *   service id (a varint) and its endpointHash (a byte);
 * - its remote service's id (a varint), when the flags say.
 *
 * A retried span is told by its span id and content hash, and confirmed against the stored
 * span; 32 bits of the span ids tell a trace's spans apart for dependency links, 8 bits of the
 * endpoint hash the hosts of the spans that share an id. A span named by position may have
 * been deleted by retention since: its parent then reads as PARENT_DELETED, its host as no
 * service. Only a server span keeps its shared flag (keptShared).
 */
import { KIND_CODES } from '../../model/encoded-spans.js'
import type { SpanId, SpanKind } from '../../model/span.js'
import { ByteReader, ByteWriter } from './bytes.js'
import { MINUTE_US, minuteOf } from './call-counts.js'

export interface RunSpan {
  /** The low 8 bits of the line's hashString. */
  contentHash: number
  spanIdLow: number
  /** 0 for a root span. */
  parentIdLow: number
  serviceId: number
  endpoint: number
  kind: SpanKind | undefined
  shared: boolean
  error: boolean
  /** 0 for none. */
  remoteServiceId: number
}

export interface TraceRun {
  /** The start of the minute the run's earliest span started in; 0 when none has a start. */
  startUs: number
  spans: RunSpan[]
}

/** The parent of a span whose parent was named by position and is no longer stored. */
export const PARENT_DELETED = 0xffff_ffff


/** The kind code of a shared server span, after KIND_CODES'. */
const SHARED_SERVER = KIND_CODES.length
const SERVER = KIND_CODES.indexOf('server')
const ERROR_FLAG = 0x08
const HOST_BY_POSITION = 0x10
const PARENT_BY_ID = 0x20
const PARENT_BY_POSITION = 0x40
const REMOTE_SERVICE = 0x80

/** What a run keeps of a span's shared flag: a server span's only. */
export const keptShared = (kind: SpanKind | undefined, shared: boolean) => shared && kind === 'server'

export function spanIdLow(spanId: SpanId): number {
  return Number.parseInt(spanId.slice(8), 16)
}

/** The low 8 bits of a line hash: what a run keeps of it. */
export const contentHash = (lineHash: number) => lineHash & 0xff

/** TraceRun.startUs for spans that started at these times (0 for unknown). */
export function runStartUs(startsUs: Iterable<number>): number {
  let earliest = Infinity
  for (const startUs of startsUs) if (startUs > 0 && startUs < earliest) earliest = startUs
  return earliest === Infinity ? 0 : minuteOf(earliest)
}

const hostKey = (span: RunSpan) => span.serviceId * 256 + span.endpoint

/** The positions of a trace's stored spans, by span id and by host: what a new run may name. */
export class TracePositions {
  /** Where the next run starts. */
  next = 0
  private readonly bySpanId = new Map<number, number>()
  private readonly byHost = new Map<number, number>()

  /** Encodes a new run of the trace, after the runs added before, and adds it. */
  encode(run: TraceRun): Buffer {
    const first = this.next
    const out = new ByteWriter()
    out.varint(run.startUs > 0 ? run.startUs / MINUTE_US + 1 : 0)
    out.varint(first)
    // A parent may come later in the run.
    run.spans.forEach((span, i) => {
      if (!this.bySpanId.has(span.spanIdLow)) this.bySpanId.set(span.spanIdLow, first + i)
    })
    run.spans.forEach((span, i) => {
      out.byte(span.contentHash)
      out.uint32(span.spanIdLow)
      const kind = KIND_CODES.indexOf(span.kind)
      let flags = kind === SERVER && span.shared ? SHARED_SERVER : kind
      if (span.error) flags |= ERROR_FLAG
      const parent = span.parentIdLow === 0 ? undefined : this.bySpanId.get(span.parentIdLow)
      if (parent !== undefined) flags |= PARENT_BY_POSITION
      else if (span.parentIdLow !== 0) flags |= PARENT_BY_ID
      const host = this.byHost.get(hostKey(span))
      if (host !== undefined) flags |= HOST_BY_POSITION
      else this.byHost.set(hostKey(span), first + i)
      if (span.remoteServiceId !== 0) flags |= REMOTE_SERVICE
      out.byte(flags)
      if (parent !== undefined) out.varint(parent)
      else if (span.parentIdLow !== 0) out.uint32(span.parentIdLow)
      if (host !== undefined) out.varint(host)
      else {
        out.varint(span.serviceId)
        out.byte(span.endpoint)
      }
      if (span.remoteServiceId !== 0) out.varint(span.remoteServiceId)
    })
    this.next = first + run.spans.length
    return out.toBuffer()
  }

  /** Decodes a trace's stored runs, in the order they were written (by block id), and adds them. */
  decode(columns: readonly Uint8Array[]): TraceRun[] {
    const runs: TraceRun[] = []
    const byPosition = new Map<number, RunSpan>()
    const parents: [RunSpan, number][] = []
    for (const column of columns) {
      const { startUs, first, input } = openRun(column)
      const spans: RunSpan[] = []
      for (let position = first; !input.done; position++) {
        const { record, parent, host } = readSpan(input)
        if (host !== undefined) {
          const same = byPosition.get(host)
          record.serviceId = same?.serviceId ?? 0
          record.endpoint = same?.endpoint ?? 0
        }
        if (parent !== undefined) parents.push([record, parent])
        spans.push(record)
        byPosition.set(position, record)
        if (!this.bySpanId.has(record.spanIdLow)) this.bySpanId.set(record.spanIdLow, position)
        if (!this.byHost.has(hostKey(record))) this.byHost.set(hostKey(record), position)
      }
      this.next = Math.max(this.next, first + spans.length)
      runs.push({ startUs, spans })
    }
    for (const [record, position] of parents) record.parentIdLow = byPosition.get(position)?.spanIdLow ?? PARENT_DELETED
    return runs
  }
}

/** How many spans a run's column holds, without making their records. */
export function runSpanCount(column: Uint8Array): number {
  const { input } = openRun(column)
  let count = 0
  for (; !input.done; count++) readSpan(input)
  return count
}

function openRun(column: Uint8Array): { startUs: number; first: number; input: ByteReader } {
  const input = new ByteReader(column)
  const minute = input.varint()
  const first = input.varint()
  return { startUs: minute === 0 ? 0 : (minute - 1) * MINUTE_US, first, input }
}

/**
 * One span's record as its fields say, and the positions of its parent and host when given so:
 * then its parentIdLow, or its serviceId and endpoint, are left 0.
 */
function readSpan(input: ByteReader): { record: RunSpan; parent?: number; host?: number } {
  const contentHash = input.byte()
  const spanIdLow = input.uint32()
  const flags = input.byte()
  const parent = flags & PARENT_BY_POSITION ? input.varint() : undefined
  const parentIdLow = flags & PARENT_BY_ID ? input.uint32() : 0
  const host = flags & HOST_BY_POSITION ? input.varint() : undefined
  const serviceId = host === undefined ? input.varint() : 0
  const endpoint = host === undefined ? input.byte() : 0
  const kind = flags & 0x07
  const record: RunSpan = {
    contentHash,
    spanIdLow,
    parentIdLow,
    serviceId,
    endpoint,
    kind: KIND_CODES[kind === SHARED_SERVER ? SERVER : kind],
    shared: kind === SHARED_SERVER,
    error: (flags & ERROR_FLAG) !== 0,
    remoteServiceId: flags & REMOTE_SERVICE ? input.varint() : 0,
  }
  return { record, parent, host }
}
