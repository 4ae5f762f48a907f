/**
 * Zipkin span ingest on the Zipkin port: `POST /api/v1/spans` (JSON v1, Thrift) and
 * `POST /api/v2/spans` (JSON v2, proto3).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { InvalidInputError } from '../../errors.js'
import { textErrorHandler } from '../../server/http-errors.js'
import { mediaType, registerRawBody } from '../raw-body.js'
import type { SpanSink } from '../span-sink.js'

export interface ZipkinReceiverOptions {
  sink: SpanSink
  maxBodyBytes: number
}

const THRIFT_TYPES = new Set(['application/x-thrift', 'application/vnd.apache.thrift.binary'])
const PROTO_TYPES = new Set(['application/x-protobuf', 'application/protobuf'])

/** Zipkin's answer to a body of the other API version, naming both formats. */
function wrongEndpoint(expected: string, received: string, path: string): InvalidInputError {
  return new InvalidInputError(`Expected a ${expected} encoded list, but received: ${received}; post it to ${path}`)
}

const bodyOf = (request: FastifyRequest): Buffer => (request.body as Buffer | undefined) ?? Buffer.alloc(0)

export const zipkinReceiver: FastifyPluginAsync<ZipkinReceiverOptions> = async (app, { sink, maxBodyBytes }) => {
  registerRawBody(app, maxBodyBytes, sink)
  app.setErrorHandler(textErrorHandler)

  // Like Zipkin's server, a body without a recognised content type is read as JSON.
  app.post('/api/v1/spans', async (request, reply) => {
    const body = bodyOf(request)
    // An empty body is accepted whatever its type, as Zipkin does.
    if (body.length === 0) return reply.code(202).send()
    const type = mediaType(request)
    if (PROTO_TYPES.has(type)) throw wrongEndpoint('JSON_V1 or THRIFT', 'PROTO3', '/api/v2/spans')
    const format = THRIFT_TYPES.has(type) ? 'zipkin-v1-thrift' : 'zipkin-v1-json'
    await sink.acceptBody(format, body, { transport: 'http', format, bytes: body.length })
    return reply.code(202).send()
  })

  app.post('/api/v2/spans', async (request, reply) => {
    const body = bodyOf(request)
    // An empty body is accepted whatever its type, as Zipkin does.
    if (body.length === 0) return reply.code(202).send()
    const type = mediaType(request)
    if (THRIFT_TYPES.has(type)) throw wrongEndpoint('JSON_V2 or PROTO3', 'THRIFT', '/api/v1/spans')
    const format = PROTO_TYPES.has(type) ? 'zipkin-v2-proto3' : 'zipkin-v2-json'
    await sink.acceptBody(format, body, { transport: 'http', format, bytes: body.length })
    return reply.code(202).send()
  })
}
