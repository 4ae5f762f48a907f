/** Jaeger span ingest over HTTP: `POST /api/traces` with one jaeger.thrift Batch. */
import type { FastifyPluginAsync } from 'fastify'
import { InvalidInputError } from '../../errors.js'
import { textErrorHandler } from '../../server/http-errors.js'
import { mediaType, registerRawBody } from '../raw-body.js'
import type { SpanSink } from '../span-sink.js'
import type { ThriftEncoding } from '../thrift-reading.js'

export interface ThriftReceiverOptions {
  sink: SpanSink
  maxBodyBytes: number
}

/** Jaeger's collector takes the first two; the compact ones are for senders that say so. */
const ENCODINGS: Record<string, ThriftEncoding> = {
  'application/x-thrift': 'binary',
  'application/vnd.apache.thrift.binary': 'binary',
  'application/vnd.apache.thrift.compact': 'compact',
  'application/x-thrift-compact': 'compact',
}

export const thriftReceiver: FastifyPluginAsync<ThriftReceiverOptions> = async (app, { sink, maxBodyBytes }) => {
  registerRawBody(app, maxBodyBytes, sink)
  app.setErrorHandler(textErrorHandler)

  app.post('/api/traces', async (request, reply) => {
    const type = mediaType(request)
    const encoding = ENCODINGS[type]
    if (!encoding) {
      throw new InvalidInputError(
        `unsupported Content-Type '${type}'; send a Thrift Batch as application/x-thrift or application/vnd.apache.thrift.binary (or .compact)`,
      )
    }
    const body = (request.body as Buffer | undefined) ?? Buffer.alloc(0)
    const format = `jaeger-thrift-${encoding}` as const
    await sink.acceptBody(format, body, { transport: 'http', format, bytes: body.length })
    return reply.code(202).send()
  })
}
