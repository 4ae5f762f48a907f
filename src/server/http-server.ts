import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import type { Logger } from 'pino'

export interface HttpServerOptions {
  /** Listener name, in logs and metrics. */
  name: string
  logger: Logger
  /** Told of every answered request. */
  onResponse?: (listener: string, status: number) => void
  /** Largest raw request body (the receivers also cap what gzip inflates to). */
  bodyLimitBytes?: number
}

/** A Fastify server with spanlite's shared settings; one per listening port. */
export function createHttpServer({ name, logger, onResponse, bodyLimitBytes }: HttpServerOptions): FastifyInstance {
  const server = Fastify({
    loggerInstance: logger.child({ listener: name }) as FastifyBaseLogger,
    // Request logs would be a line per client batch; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...(bodyLimitBytes === undefined ? {} : { bodyLimit: bodyLimitBytes }),
  })
  // Requests in flight at shutdown are answered, then their keep-alive connections closed, so
  // that close() does not wait for clients to hang up.
  let closing = false
  server.addHook('preClose', async () => {
    closing = true
  })
  server.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close')
  })
  if (onResponse) {
    server.addHook('onResponse', async (_request, reply) => onResponse(name, reply.statusCode))
  }
  return server
}
