/**
 * The composition root: storage, then the ingest pipeline, then the query service, then one
 * HTTP server per port. Reads like the port table.
 */
import type { FastifyInstance } from 'fastify'
import { jaegerApi } from './api/jaeger/jaeger-api.js'
import { zipkinApi } from './api/zipkin/zipkin-api.js'
import type { Config } from './config/schema.js'
import { Pipeline } from './pipeline/pipeline.js'
import { QueryService } from './query/query-service.js'
import { zipkinReceiver } from './receivers/zipkin/zipkin-receiver.js'
import { createHttpServer } from './server/http-server.js'
import { SqliteStorage } from './storage/sqlite/sqlite-storage.js'
import type { Storage } from './storage/storage.js'

const MAX_BODY_BYTES = 10 * 1024 * 1024

export interface App {
  /** Bound addresses by listener name, e.g. zipkin → http://127.0.0.1:9411. */
  readonly urls: Record<'zipkin' | 'query', string>
  readonly storage: Storage
  readonly pipeline: Pipeline
  close(): Promise<void>
}

export async function startApp(config: Config): Promise<App> {
  const storage = new SqliteStorage({ path: config.storage.path, autocompleteKeys: config.autocomplete.keys })
  const pipeline = new Pipeline(config.pipeline, storage)
  const queryService = new QueryService(storage)

  const zipkin = createHttpServer('zipkin', config.log)
  await zipkin.register(zipkinReceiver, { sink: pipeline, maxBodyBytes: MAX_BODY_BYTES })
  await zipkin.register(zipkinApi, { queryService, autocompleteKeys: config.autocomplete.keys })

  const query = createHttpServer('query', config.log)
  await query.register(jaegerApi, { queryService })

  const servers: FastifyInstance[] = []
  const close = async () => {
    // Stop taking requests, let in-flight ones finish, commit what was queued, then close the file.
    await Promise.all(servers.map((server) => server.close()))
    await pipeline.close()
    await storage.close()
  }
  try {
    const urls = {
      zipkin: await listen(zipkin, config.zipkin, servers),
      query: await listen(query, config.query, servers),
    }
    return { urls, storage, pipeline, close }
  } catch (error) {
    await close()
    throw error
  }
}

async function listen(server: FastifyInstance, address: { host: string; port: number }, started: FastifyInstance[]): Promise<string> {
  started.push(server)
  await server.listen({ host: address.host, port: address.port })
  const bound = server.server.address()
  if (bound === null || typeof bound === 'string') throw new Error('server bound to no TCP address')
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address
  return `http://${host}:${bound.port}`
}
