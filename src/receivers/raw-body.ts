/**
 * One body parser for every HTTP receiver: the raw bytes of any content type, inflated when
 * `Content-Encoding: gzip`, with the size capped before and after inflating, and none read
 * while the ingest queue is full. Receivers then
 * decide by content type themselves, so Fastify's defaults (its JSON parser, 415) never
 * shape a collector's wire contract.
 */
import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { InvalidInputError, TooLargeError } from '../errors.js'
import type { SpanSink } from './span-sink.js'

const gunzipAsync = promisify(gunzip)

export function registerRawBody(app: FastifyInstance, maxBodyBytes: number, sink: SpanSink): void {
  // A full queue refuses a request before its body is read, and bodies being read count
  // against it: under sustained overload memory stays bounded by the queue.
  const reading = new WeakMap<FastifyRequest, number>()
  const done = async (request: FastifyRequest) => {
    const bytes = reading.get(request)
    if (bytes === undefined) return
    reading.delete(request)
    sink.received(bytes)
  }
  app.addHook('onRequest', async (request) => {
    const bytes = Number(request.headers['content-length'] ?? 0) || 0
    const busy = sink.admit(bytes)
    if (busy) throw busy
    reading.set(request, bytes)
  })
  app.addHook('preHandler', done)
  app.addHook('onResponse', done)
  app.addHook('onRequestAbort', done)
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBodyBytes }, async (request: FastifyRequest, body: Buffer) => {
    const encoding = request.headers['content-encoding']?.trim().toLowerCase()
    if (encoding === undefined || encoding === '' || encoding === 'identity') return body
    if (encoding !== 'gzip') throw new InvalidInputError(`unsupported Content-Encoding '${encoding}'; send gzip or no encoding`)
    try {
      return await gunzipAsync(body, { maxOutputLength: maxBodyBytes })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new TooLargeError(`the gzip body inflates to more than ${maxBodyBytes} bytes, the limit; send smaller batches`)
      }
      throw new InvalidInputError(`the body is not valid gzip (${(error as Error).message})`)
    }
  })
}

/** The request's media type without parameters, lower-cased; '' when absent. */
export function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
}
