/**
 * What the pipeline and the query service need from a span store. Backends
 * (SQLite today) implement it; nothing outside `src/storage` knows how spans are kept.
 */
import type { EncodedSpans } from '../model/encoded-spans.js'
import type { Span, SpanKind, TraceId } from '../model/span.js'

export interface SpanWriter {
  /**
   * Stores the spans of one or more requests atomically and durably: when the promise
   * resolves every span is committed. A span already stored with the same content is not
   * stored again. The requests' buffers may be taken over: the caller must not read them after.
   * Calls may overlap: they are committed in the order they were made.
   */
  writeEncoded(requests: readonly EncodedSpans[]): Promise<void>
}

export interface Operation {
  name: string
  /** Absent for spans that did not say their kind. */
  spanKind?: SpanKind
}

export interface OperationQuery {
  serviceName: string
  spanKind?: SpanKind
}

export interface TagCondition {
  key: string
  /** Exact string form of the value (see tagValueString). */
  value: string
}

/** Every condition must hold for one and the same span of a trace. */
export interface TraceQuery {
  serviceName?: string
  operationName?: string
  tags: TagCondition[]
  startTimeMinUs?: number
  startTimeMaxUs?: number
  durationMinUs?: number
  durationMaxUs?: number
  /** The span's remote endpoint has this service name. */
  remoteServiceName?: string
  /**
   * For each entry, the span has a tag with this key or an annotation (a log whose `event`
   * field, see ANNOTATION_FIELD) with this value: Zipkin's bare `annotationQuery` terms.
   */
  tagKeysOrAnnotations?: string[]
  /**
   * Zipkin's matching: each condition may be met by a different span of the trace (each span
   * of the service, when one is given). Otherwise one span must meet every condition.
   */
  conditionsAcrossSpans?: boolean
  /** Most traces to return; the newest (by matching span start) first. */
  limit: number
}

/** Calls from one service to another, counted over a time window. */
export interface DependencyLink {
  parent: string
  child: string
  callCount: number
}

/** Calls from one service to another by Zipkin's rules (model/dependency-linker.ts), with those that failed. */
export interface ZipkinDependencyLink extends DependencyLink {
  errorCount: number
}

/** Links of calls whose span started in (endTimeUs - lookbackUs, endTimeUs]. */
export interface DependencyQuery {
  endTimeUs: number
  lookbackUs: number
}

export interface SpanReader {
  /** Every stored span of the trace, in storage order; empty when unknown. */
  getTrace(traceId: TraceId): Promise<Span[]>
  getServices(): Promise<string[]>
  getOperations(query: OperationQuery): Promise<Operation[]>
  /** Ids of matching traces, newest first. */
  findTraceIds(query: TraceQuery): Promise<TraceId[]>
  /** Service call counts, kept up to date as spans are written: each span's service called by its parent's. */
  getDependencies(query: DependencyQuery): Promise<DependencyLink[]>
  /** Service call and error counts by Zipkin's rules, kept up to date as spans are written. */
  getZipkinDependencies(query: DependencyQuery): Promise<ZipkinDependencyLink[]>
  /** Remote endpoint service names that spans of this service called, sorted. */
  getRemoteServices(serviceName: string): Promise<string[]>
  /** Values seen for a tag key the store was told to remember (autocomplete), sorted. */
  getTagValues(key: string): Promise<string[]>
}

/** Retention's view of a store. */
export interface SpanPurger {
  /**
   * Deletes the oldest spans (by start time), only those that started before `beforeUs` when
   * given, about `maxSpans` of them: a store may delete in units of several spans, so it stops
   * at the first unit that reaches `maxSpans`. Returns how many were deleted; fewer than
   * `maxSpans` means nothing more is left to delete.
   */
  purgeOldest(options: { beforeUs?: number; maxSpans: number }): Promise<number>
  /** Bytes the stored data takes (in use, not counting space kept free for reuse), and the files. */
  sizes(): Promise<{ usedBytes: number; fileBytes: number }>
}

export interface Storage extends SpanWriter, SpanReader, SpanPurger {
  /** Frees what it holds only to be faster (caches, spare room), for an idle process. */
  releaseMemory(): void
  close(): Promise<void>
}
