import { NotFoundError } from '../errors.js'
import { shortTraceId } from '../model/ids.js'
import type { Span, TraceId } from '../model/span.js'
import type { DependencyLink, DependencyQuery, Operation, OperationQuery, SpanReader, TraceQuery, ZipkinDependencyLink } from '../storage/storage.js'

/** Reads traces for the query APIs; each API applies its own adjusters to what it gets. */
export class QueryService {
  constructor(private readonly reader: SpanReader) {}

  /** Throws NotFoundError when no span of the trace is stored. */
  async getTrace(traceId: TraceId): Promise<Span[]> {
    const spans = await this.reader.getTrace(traceId)
    if (spans.length === 0) throw new NotFoundError(`trace ${shortTraceId(traceId)} not found`)
    return spans
  }

  /**
   * Matching traces, newest first, each with all its stored spans. Each is read as the one
   * before has been taken, so that an answer of many traces never holds them all decoded.
   */
  async *findTraces(query: TraceQuery): AsyncGenerator<Span[]> {
    for (const id of await this.reader.findTraceIds(query)) {
      const spans = await this.reader.getTrace(id)
      if (spans.length > 0) yield spans
    }
  }

  /** The traces of `traceIds` that are stored, in that order, read one at a time like findTraces'; `missing` hears of the others. */
  async *getTraces(traceIds: readonly TraceId[], missing: (traceId: TraceId) => void): AsyncGenerator<Span[]> {
    for (const id of traceIds) {
      const spans = await this.reader.getTrace(id)
      if (spans.length > 0) yield spans
      else missing(id)
    }
  }

  getServices(): Promise<string[]> {
    return this.reader.getServices()
  }

  getOperations(query: OperationQuery): Promise<Operation[]> {
    return this.reader.getOperations(query)
  }

  /** Service call counts as the Jaeger APIs give them, kept up to date by the store. */
  getDependencies(query: DependencyQuery): Promise<DependencyLink[]> {
    return this.reader.getDependencies(query)
  }

  getRemoteServices(serviceName: string): Promise<string[]> {
    return this.reader.getRemoteServices(serviceName)
  }

  getTagValues(key: string): Promise<string[]> {
    return this.reader.getTagValues(key)
  }

  /** Service call and error counts as the Zipkin API gives them, kept up to date by the store. */
  getZipkinDependencies(query: DependencyQuery): Promise<ZipkinDependencyLink[]> {
    return this.reader.getZipkinDependencies(query)
  }
}
