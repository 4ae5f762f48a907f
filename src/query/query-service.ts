import { NotFoundError } from '../errors.js'
import { shortTraceId } from '../model/ids.js'
import type { Span, TraceId } from '../model/span.js'
import type { DependencyLink, DependencyQuery, Operation, OperationQuery, SpanReader, TraceQuery } from '../storage/storage.js'

/** Reads traces for the query APIs; each API applies its own adjusters to what it gets. */
export class QueryService {
  constructor(private readonly reader: SpanReader) {}

  /** Throws NotFoundError when no span of the trace is stored. */
  async getTrace(traceId: TraceId): Promise<Span[]> {
    const spans = await this.reader.getTrace(traceId)
    if (spans.length === 0) throw new NotFoundError(`trace ${shortTraceId(traceId)} not found`)
    return spans
  }

  /** Matching traces, newest first, each with all its stored spans. */
  async findTraces(query: TraceQuery): Promise<Span[][]> {
    const ids = await this.reader.findTraceIds(query)
    const traces = await Promise.all(ids.map((id) => this.reader.getTrace(id)))
    return traces.filter((spans) => spans.length > 0)
  }

  getServices(): Promise<string[]> {
    return this.reader.getServices()
  }

  getOperations(query: OperationQuery): Promise<Operation[]> {
    return this.reader.getOperations(query)
  }

  getDependencies(query: DependencyQuery): Promise<DependencyLink[]> {
    return this.reader.getDependencies(query)
  }
}
