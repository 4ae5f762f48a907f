/**
 * The Jaeger query HTTP API (what the Jaeger UI and Grafana's Jaeger data source call):
 * every answer is the envelope `{data, total, limit, offset, errors}`.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { shortTraceId } from '../../model/ids.js'
import type { Span, TraceId } from '../../model/span.js'
import { mergeSpanFragments } from '../../query/adjusters/span-merge.js'
import { dedupeSpanIds } from '../../query/adjusters/span-id-dedupe.js'
import type { QueryService } from '../../query/query-service.js'
import { clientMessageOf, prepareErrorReply } from '../../server/http-errors.js'
import { toJsonBody, toJsonListParts, toJsonText } from '../json-text.js'
import { parseDependenciesQuery, parseFindTracesQuery, parseOperationsQuery, parseTraceId } from './params.js'
import { toJaegerTrace } from './render.js'

export interface JaegerApiOptions {
  queryService: QueryService
  /** Clock for the default search window; microseconds since the epoch. */
  nowUs?: () => number
}

interface Envelope {
  data: unknown
  total: number
  limit: number
  offset: number
  errors: { code: number; msg: string; traceID?: string }[] | null
}

const EMPTY_ENVELOPE: Envelope = { data: null, total: 0, limit: 0, offset: 0, errors: null }

function send(reply: FastifyReply, envelope: Partial<Envelope>, status = 200): FastifyReply {
  return sendBytes(reply, toJsonBody({ ...EMPTY_ENVELOPE, ...envelope }), status)
}

function sendBytes(reply: FastifyReply, bytes: Buffer, status = 200): FastifyReply {
  return reply.code(status).type('application/json').send(bytes)
}

/** The envelope send() writes, around data already encoded (toJsonListParts). */
function sendEncodedData(reply: FastifyReply, data: Buffer[], rest: Omit<Partial<Envelope>, 'data'> = {}, status = 200): FastifyReply {
  // What send() writes after the data: `,"total":0,...}`.
  const afterData = toJsonText({ ...EMPTY_ENVELOPE, ...rest, data: 0 }).slice('{"data":0'.length)
  return sendBytes(reply, Buffer.concat([Buffer.from('{"data":'), ...data, Buffer.from(afterData)]), status)
}

/** Jaeger's query service applies its adjusters before rendering; this is spanlite's set. */
function adjust(trace: readonly Span[]): Span[] {
  return dedupeSpanIds(mergeSpanFragments(trace))
}

export const jaegerApi: FastifyPluginAsync<JaegerApiOptions> = async (app, options) => {
  const { queryService } = options
  const nowUs = options.nowUs ?? (() => Date.now() * 1000)

  app.setErrorHandler((error, request: FastifyRequest, reply) => {
    const status = prepareErrorReply(error, request, reply)
    return send(reply, { errors: [{ code: status, msg: clientMessageOf(error, status) }] }, status)
  })
  app.setNotFoundHandler((request, reply) =>
    send(reply, { errors: [{ code: 404, msg: `no such endpoint: ${request.method} ${request.url.split('?')[0]}` }] }, 404),
  )

  app.get('/api/services', async (_request, reply) => {
    const services = await queryService.getServices()
    return send(reply, { data: services, total: services.length })
  })

  app.get<{ Params: { service: string } }>('/api/services/:service/operations', async (request, reply) => {
    const operations = await queryService.getOperations({ serviceName: request.params.service })
    const names = [...new Set(operations.map((o) => o.name))]
    return send(reply, { data: names, total: names.length })
  })

  app.get('/api/operations', async (request, reply) => {
    const operations = await queryService.getOperations(parseOperationsQuery(request.query))
    const data = operations.map((o) => ({ name: o.name, spanKind: o.spanKind ?? '' }))
    return send(reply, { data, total: data.length })
  })

  app.get('/api/dependencies', async (request, reply) => {
    const links = await queryService.getDependencies(parseDependenciesQuery(request.query, nowUs()))
    const data = links.map((link) => ({ parent: link.parent, child: link.child, callCount: link.callCount }))
    return send(reply, { data, total: data.length })
  })

  app.get<{ Params: { traceId: string } }>('/api/traces/:traceId', async (request, reply) => {
    const trace = await queryService.getTrace(parseTraceId(request.params.traceId))
    return send(reply, { data: [toJaegerTrace(adjust(trace))] })
  })

  app.get('/api/traces', async (request, reply) => {
    const parsed = parseFindTracesQuery(request.query, nowUs())
    if ('query' in parsed) {
      const traces = queryService.findTraces(parsed.query)
      return sendEncodedData(reply, await toJsonListParts(traces, (trace) => toJaegerTrace(adjust(trace))))
    }
    const errors: NonNullable<Envelope['errors']> = []
    const missing = (traceId: TraceId) => errors.push({ code: 404, msg: 'trace not found', traceID: shortTraceId(traceId) })
    const data = await toJsonListParts(queryService.getTraces(parsed.traceIds, missing), (trace) => toJaegerTrace(adjust(trace)))
    const found = parsed.traceIds.length - errors.length
    return sendEncodedData(reply, data, { errors: errors.length > 0 ? errors : null }, found === 0 && errors.length > 0 ? 404 : 200)
  })
}
