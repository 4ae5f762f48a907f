import Fastify, { type FastifyInstance, LogController } from 'fastify'
import type { Config } from '../config/schema.js'

/** A Fastify server with spanlite's shared settings; one per listening port. */
export function createHttpServer(name: string, log: Config['log']): FastifyInstance {
  return Fastify({
    logger: { level: log.level, base: { listener: name } },
    // Request logs would be a line per client batch; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  })
}
