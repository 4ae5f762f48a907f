import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { BusyError, SpanliteError } from '../errors.js'

/** HTTP status for any error: ours, Fastify's own 4xx (body too large, bad JSON), else 500. */
export function httpStatusOf(error: unknown): number {
  if (error instanceof SpanliteError) return error.httpStatus
  const status = (error as Partial<FastifyError>).statusCode
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500
}

/** The message a client may see: its own mistake spelled out, nothing of a server fault. */
export function clientMessageOf(error: unknown, status: number): string {
  return status >= 500 && !(error instanceof SpanliteError) ? 'internal error; the server log has the details' : (error as Error).message
}

/** Sets Retry-After on a busy answer, logs server faults, and returns the status. */
export function prepareErrorReply(error: unknown, request: FastifyRequest, reply: FastifyReply): number {
  const status = httpStatusOf(error)
  if (error instanceof BusyError) reply.header('retry-after', String(error.retryAfterSeconds))
  if (status >= 500 && !(error instanceof SpanliteError)) request.log.error({ err: error }, 'request failed')
  return status
}

/** Error handler of the collector endpoints: a short plain-text reason, as Zipkin and Jaeger answer. */
export function textErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const status = prepareErrorReply(error, request, reply)
  void reply.code(status).type('text/plain; charset=utf-8').send(`${clientMessageOf(error, status)}\n`)
}
