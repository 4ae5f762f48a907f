/**
 * The Zipkin v2 query API on the Zipkin port (what the Zipkin UI and Grafana's Zipkin data
 * source call). Traces come back as stored, fragments and shared spans unmerged, as Zipkin
 * returns them; the UI does its own merging. Errors are short plain text, as Zipkin answers.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { NotFoundError } from '../../errors.js'
import { shortTraceId } from '../../model/ids.js'
import { EMPTY_SERVICE_NAME } from '../../model/span.js'
import type { QueryService } from '../../query/query-service.js'
import { textErrorHandler } from '../../server/http-errors.js'
import { toJsonBody, toJsonListParts } from '../json-text.js'
import {
  parseAutocompleteKey,
  parseDependenciesQuery,
  parseServiceName,
  parseTraceId,
  parseTraceIds,
  parseTracesQuery,
} from './params.js'
import { toZipkinTrace } from './render.js'

export interface ZipkinApiOptions {
  queryService: QueryService
  /** Tag keys offered by /api/v2/autocompleteKeys (the store keeps their values). */
  autocompleteKeys: readonly string[]
  /** Clock for the default search window; milliseconds since the epoch. */
  nowMs?: () => number
}

function send(reply: FastifyReply, body: unknown): FastifyReply {
  return sendBytes(reply, toJsonBody(body))
}

function sendBytes(reply: FastifyReply, bytes: Buffer): FastifyReply {
  return reply.code(200).type('application/json').send(bytes)
}

const sorted = (names: Iterable<string>) => [...new Set(names)].filter((name) => name !== '').sort()

export const zipkinApi: FastifyPluginAsync<ZipkinApiOptions> = async (app, options) => {
  const { queryService, autocompleteKeys } = options
  const nowMs = options.nowMs ?? (() => Date.now())

  app.setErrorHandler(textErrorHandler)
  // A browser UI on another origin may read: allow GET from anywhere, as Zipkin's default does.
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('access-control-allow-origin', '*')
  })
  app.options('/api/v2/*', async (_request, reply) =>
    reply
      .code(204)
      .header('access-control-allow-methods', 'GET')
      .header('access-control-allow-headers', 'content-type')
      .header('access-control-max-age', '86400')
      .send(),
  )

  app.get('/api/v2/services', async (_request, reply) => {
    // Spans without a local service name are listed under no service, as in Zipkin.
    const services = await queryService.getServices()
    return send(reply, sorted(services.filter((name) => name !== EMPTY_SERVICE_NAME)))
  })

  app.get('/api/v2/spans', async (request, reply) => {
    const operations = await queryService.getOperations({ serviceName: parseServiceName(request.query) })
    return send(reply, sorted(operations.map((o) => o.name)))
  })

  app.get('/api/v2/remoteServices', async (request, reply) => {
    return send(reply, sorted(await queryService.getRemoteServices(parseServiceName(request.query))))
  })

  app.get('/api/v2/traces', async (request, reply) => {
    const traces = queryService.findTraces(parseTracesQuery(request.query, nowMs()))
    return sendBytes(reply, Buffer.concat(await toJsonListParts(traces, toZipkinTrace)))
  })

  app.get<{ Params: { traceId: string } }>('/api/v2/trace/:traceId', async (request, reply) => {
    const traceId = parseTraceId(request.params.traceId)
    try {
      return send(reply, toZipkinTrace(await queryService.getTrace(traceId)))
    } catch (error) {
      if (error instanceof NotFoundError) throw new NotFoundError(`Trace not found: ${shortTraceId(traceId)}`)
      throw error
    }
  })

  app.get('/api/v2/traceMany', async (request, reply) => {
    const traces = queryService.getTraces(parseTraceIds(request.query), () => {})
    return sendBytes(reply, Buffer.concat(await toJsonListParts(traces, toZipkinTrace)))
  })

  app.get('/api/v2/dependencies', async (request, reply) => {
    const window = parseDependenciesQuery(request.query)
    const links = await queryService.getZipkinDependencies({ endTimeUs: window.startTimeMaxUs, lookbackUs: window.startTimeMaxUs - window.startTimeMinUs })
    // Zipkin writes errorCount only when there were errors.
    return send(
      reply,
      links.map(({ parent, child, callCount, errorCount }) => (errorCount > 0 ? { parent, child, callCount, errorCount } : { parent, child, callCount })),
    )
  })

  app.get('/api/v2/autocompleteKeys', async (_request, reply) => send(reply, [...autocompleteKeys]))

  app.get('/api/v2/autocompleteValues', async (request, reply) => {
    return send(reply, await queryService.getTagValues(parseAutocompleteKey(request.query)))
  })
}
