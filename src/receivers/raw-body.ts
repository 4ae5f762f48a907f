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
  // A full queue refuses a request before its body is read: refused bodies would otherwise
  // fill the memory under sustained overload.
  app.addHook('onRequest', async (request) => {
    const busy = sink.busy(Number(request.headers['content-length'] ?? 0) || 0)
    if (busy) throw busy
  })
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
