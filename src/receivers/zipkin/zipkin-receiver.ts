/** Zipkin span ingest on the Zipkin port: `POST /api/v2/spans` (JSON v2). */
import type { FastifyPluginAsync } from 'fastify'
import { textErrorHandler } from '../../server/http-errors.js'
import { registerRawBody } from '../raw-body.js'
import type { SpanSink } from '../span-sink.js'
import { decodeZipkinV2Json } from './v2-json.js'
import { zipkinV2ToModel } from './v2-to-model.js'

export interface ZipkinReceiverOptions {
  sink: SpanSink
  maxBodyBytes: number
}

export const zipkinReceiver: FastifyPluginAsync<ZipkinReceiverOptions> = async (app, { sink, maxBodyBytes }) => {
  registerRawBody(app, maxBodyBytes)
  app.setErrorHandler(textErrorHandler)

  // Like Zipkin's server, a body without a recognised content type is read as JSON.
  app.post('/api/v2/spans', async (request, reply) => {
    const body = (request.body as Buffer | undefined) ?? Buffer.alloc(0)
    const spans = zipkinV2ToModel(decodeZipkinV2Json(body))
    await sink.accept(spans, { transport: 'http', format: 'zipkin-v2-json', bytes: body.length })
    return reply.code(202).send()
  })
}
