/**
 * The admin port: `GET /` answers health as Jaeger's admin port does (503 until storage is
 * open and migrated, again while stopping, and once storage can no longer write), `GET /metrics`
 * answers Prometheus text.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { Metrics } from './metrics.js'

export interface Health {
  ready: boolean
  upSince: Date
}

export interface AdminApiOptions {
  health: Health
  metrics: Metrics
}

export const adminApi: FastifyPluginAsync<AdminApiOptions> = async (app, { health, metrics }) => {
  app.get('/', async (_request, reply) => {
    if (!health.ready) return reply.code(503).send({ status: 'Server not available', upSince: '0001-01-01T00:00:00Z', uptime: '0s' })
    return { status: 'Server available', upSince: health.upSince.toISOString(), uptime: goDuration(Date.now() - health.upSince.getTime()) }
  })

  app.get('/metrics', async (_request, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics())
  })
}

/** Milliseconds as Go prints a duration: `1h2m3.5s`, `4.25s`. */
function goDuration(ms: number): string {
  const hours = Math.floor(ms / 3_600_000)
  const minutes = Math.floor((ms % 3_600_000) / 60_000)
  const seconds = (ms % 60_000) / 1000
  return `${hours > 0 ? `${hours}h` : ''}${hours > 0 || minutes > 0 ? `${minutes}m` : ''}${seconds}s`
}
