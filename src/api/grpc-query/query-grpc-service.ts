/**
 * `jaeger.api_v2.QueryService` over gRPC: the same reads as the Jaeger HTTP API, with traces
 * streamed in chunks of spans. ArchiveTrace answers UNIMPLEMENTED: spanlite has no archive store.
 */
import type * as grpc from '@grpc/grpc-js'
import { InvalidInputError } from '../../errors.js'
import { normalizeTraceId } from '../../model/ids.js'
import type { Span, SpanKind } from '../../model/span.js'
import { timestampUs } from '../../receivers/jaeger/proto-to-model.js'
import { dedupeSpanIds } from '../../query/adjusters/span-id-dedupe.js'
import type { QueryService } from '../../query/query-service.js'
import type { OperationQuery, TraceQuery } from '../../storage/storage.js'
import { type GrpcLog, type ProtoObject, decodeMessage, serverStream, unary, unimplemented } from '../../server/grpc-server.js'
import type { JaegerProto, JaegerProtoTimestamp } from '../../server/jaeger-proto.js'
import { DEFAULT_LIMIT, SPAN_KINDS } from '../jaeger/params.js'
import { toProtoSpan } from './render.js'

/** Spans per streamed message, as Jaeger's query service chunks them. */
const SPANS_PER_CHUNK = 10

interface GetTraceRequest {
  traceId: Buffer
  rawTraces: boolean
}

interface TraceQueryParameters {
  serviceName: string
  operationName: string
  tags: Record<string, string>
  startTimeMin: JaegerProtoTimestamp | null
  startTimeMax: JaegerProtoTimestamp | null
  durationMin: JaegerProtoTimestamp | null
  durationMax: JaegerProtoTimestamp | null
  searchDepth: number
  rawTraces: boolean
}

export function queryGrpcService(proto: JaegerProto, queryService: QueryService, log: GrpcLog): grpc.UntypedServiceImplementation {
  const types = {
    getTrace: proto.type('GetTraceRequest'),
    findTraces: proto.type('FindTracesRequest'),
    getOperations: proto.type('GetOperationsRequest'),
    getDependencies: proto.type('GetDependenciesRequest'),
  }
  const writeTrace = (trace: readonly Span[], raw: boolean, write: (message: ProtoObject) => void) => {
    const spans = raw ? trace : dedupeSpanIds(trace)
    for (let i = 0; i < spans.length; i += SPANS_PER_CHUNK) {
      write({ spans: spans.slice(i, i + SPANS_PER_CHUNK).map(toProtoSpan) })
    }
  }

  return {
    GetTrace: serverStream(async (bytes, write) => {
      const request = decodeMessage<GetTraceRequest>(types.getTrace, bytes)
      const traceId = request.traceId.length === 16 ? normalizeTraceId(request.traceId.toString('hex')) : undefined
      if (!traceId) throw new InvalidInputError(`traceId: expected 16 bytes, not all zero, got ${request.traceId.length} bytes`)
      writeTrace(await queryService.getTrace(traceId), request.rawTraces, write)
    }, log),

    FindTraces: serverStream(async (bytes, write) => {
      const { query } = decodeMessage<{ query: TraceQueryParameters | null }>(types.findTraces, bytes)
      if (!query) throw new InvalidInputError('query is missing')
      for await (const trace of queryService.findTraces(toTraceQuery(query))) writeTrace(trace, query.rawTraces, write)
    }, log),

    GetServices: unary(async () => ({ services: await queryService.getServices() }), log),

    GetOperations: unary(async (bytes) => {
      const request = decodeMessage<{ service: string; spanKind: string }>(types.getOperations, bytes)
      const query: OperationQuery = { serviceName: request.service }
      if (request.spanKind !== '') {
        if (!SPAN_KINDS.has(request.spanKind)) {
          throw new InvalidInputError(`spanKind: '${request.spanKind}' is not one of client, server, producer, consumer, internal`)
        }
        query.spanKind = request.spanKind as SpanKind
      }
      const operations = await queryService.getOperations(query)
      return {
        operationNames: [...new Set(operations.map((o) => o.name))],
        operations: operations.map((o) => ({ name: o.name, spanKind: o.spanKind ?? '' })),
      }
    }, log),

    GetDependencies: unary(async (bytes) => {
      const request = decodeMessage<{ startTime: JaegerProtoTimestamp | null; endTime: JaegerProtoTimestamp | null }>(types.getDependencies, bytes)
      if (!request.startTime || !request.endTime) throw new InvalidInputError('startTime and endTime are required')
      const startUs = timestampUs(request.startTime, 'startTime')
      const endUs = timestampUs(request.endTime, 'endTime')
      if (startUs > endUs) throw new InvalidInputError('startTime should be before endTime')
      const links = await queryService.getDependencies({ endTimeUs: endUs, lookbackUs: endUs - startUs })
      return { dependencies: links.map((l) => ({ parent: l.parent, child: l.child, callCount: String(l.callCount), source: '' })) }
    }, log),

    ArchiveTrace: unimplemented('spanlite keeps no separate trace archive; every stored trace stays queryable'),
  }
}

function toTraceQuery(params: TraceQueryParameters): TraceQuery {
  const query: TraceQuery = {
    tags: Object.entries(params.tags).map(([key, value]) => ({ key, value })),
    limit: params.searchDepth > 0 ? params.searchDepth : DEFAULT_LIMIT,
  }
  if (params.serviceName !== '') query.serviceName = params.serviceName
  if (params.operationName !== '') query.operationName = params.operationName
  if (params.startTimeMin) query.startTimeMinUs = timestampUs(params.startTimeMin, 'query.startTimeMin')
  if (params.startTimeMax) query.startTimeMaxUs = timestampUs(params.startTimeMax, 'query.startTimeMax')
  // Durations keep sub-microsecond parts, as `minDuration=4500ns` does on the HTTP API.
  if (params.durationMin) query.durationMinUs = durationUs(params.durationMin)
  if (params.durationMax) query.durationMaxUs = durationUs(params.durationMax)
  if (query.serviceName === undefined && query.tags.length > 0) throw new InvalidInputError('query.serviceName is required when searching by tags')
  return query
}

function durationUs(value: JaegerProtoTimestamp): number {
  return Number(value.seconds) * 1_000_000 + value.nanos / 1000
}
