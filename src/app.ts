/**
 * The composition root: the admin port first (it answers 503 until storage is ready), then
 * storage, the ingest pipeline, the query service and one HTTP server per port. Reads like
 * the port table.
 */
import * as grpc from '@grpc/grpc-js'
import type { FastifyInstance } from 'fastify'
import { type Logger, pino } from 'pino'
import { adminApi, type Health } from './admin/admin-api.js'
import { Metrics } from './admin/metrics.js'
import { queryGrpcService } from './api/grpc-query/query-grpc-service.js'
import { jaegerApi } from './api/jaeger/jaeger-api.js'
import { zipkinApi } from './api/zipkin/zipkin-api.js'
import type { Config } from './config/schema.js'
import { DecoderThreadClient } from './pipeline/decoder-thread-client.js'
import { Pipeline } from './pipeline/pipeline.js'
import { QueryService } from './query/query-service.js'
import { collectorService } from './receivers/jaeger/collector-service.js'
import { thriftReceiver } from './receivers/jaeger/thrift-receiver.js'
import { zipkinReceiver } from './receivers/zipkin/zipkin-receiver.js'
import { releaseFreeMemory, releaseMemoryWhenIdle, trimUnavailable } from './release-memory.js'
import { Retention } from './retention/retention.js'
import { closeGrpc, listenGrpc, observeCalls } from './server/grpc-server.js'
import { createHttpServer } from './server/http-server.js'
import { loadJaegerProto } from './server/jaeger-proto.js'
import { SqliteStorage } from './storage/sqlite/sqlite-storage.js'
import type { Storage } from './storage/storage.js'

export type ListenerName = 'zipkin' | 'query' | 'admin' | 'jaegerHttp' | 'jaegerGrpc' | 'queryGrpc'

export interface App {
  /**
   * Bound addresses by listener, e.g. zipkin → http://127.0.0.1:9411; the gRPC listeners as
   * host:port, which is what gRPC clients take (jaegerGrpc → 127.0.0.1:14250).
   */
  readonly urls: Record<ListenerName, string>
  readonly storage: Storage
  readonly pipeline: Pipeline
  readonly retention: Retention
  readonly logger: Logger
  /** Stops listening, lets requests in flight finish, commits the queue and closes storage. */
  close(): Promise<void>
}

/**
 * No request for this long (the writer thread frees its memory 5 s after its last write, the
 * decoding thread stops after 10) and the process gives its free memory back to the system.
 */
const RELEASE_MEMORY_AFTER_IDLE_MS = 15_000

export async function startApp(config: Config): Promise<App> {
  const logger = pino({ level: config.log.level })
  const metrics = new Metrics()
  const health: Health = { ready: false, upSince: new Date() }
  const servers: FastifyInstance[] = []
  const grpcServers: grpc.Server[] = []
  // Requests answered, but for the admin listener's (which scrapers poll): how the process tells it is idle.
  let requestsServed = 0
  const onResponse = (listener: string, status: number) => {
    metrics.httpRequest(listener, status)
    if (listener !== 'admin') requestsServed++
  }
  const server = (name: ListenerName, bodyLimitBytes?: number) =>
    createHttpServer({ name, logger, onResponse, ...(bodyLimitBytes ? { bodyLimitBytes } : {}) })

  const admin = server('admin')
  await admin.register(adminApi, { health, metrics })
  const adminUrl = await listen(admin, config.admin, servers)

  let storage: SqliteStorage | undefined
  let pipeline: Pipeline | undefined
  let retention: Retention | undefined
  let stopReleasingMemory: (() => void) | undefined
  const close = async () => {
    health.ready = false
    stopReleasingMemory?.()
    await retention?.stop()
    await Promise.all([...servers.map((s) => s.close()), ...grpcServers.map((s) => closeGrpc(s))])
    await pipeline?.close()
    await storage?.close()
  }
  try {
    storage = await SqliteStorage.open({
      path: config.storage.path,
      autocompleteKeys: config.autocomplete.keys,
      // Nothing can be stored any more: health says so, for a supervisor to restart spanlite.
      onWriterStopped: (error) => {
        health.ready = false
        logger.error({ err: error }, 'the storage writer stopped, so no span can be stored; restart spanlite')
      },
      onConverting: (spansDone, spansTotal) => logger.info({ spansDone, spansTotal }, 'converting the spans stored by an older spanlite to the current layout'),
    })
    pipeline = new Pipeline({ ...config.pipeline, ...config.ingest }, storage, new DecoderThreadClient({ maxTagValueLength: config.ingest.maxTagValueLength }), metrics)
    const queryService = new QueryService(storage)
    retention = new Retention(config.retention, storage, logger.child({ component: 'retention' }), metrics)
    const { queueLength, queueCapacity } = { queueLength: () => pipeline!.queueLength, queueCapacity: () => pipeline!.queueCapacity }
    metrics.observe({ queueLength, queueCapacity, sizes: () => storage!.sizes() })

    const zipkin = server('zipkin', config.ingest.maxBodyBytes)
    await zipkin.register(zipkinReceiver, { sink: pipeline, maxBodyBytes: config.ingest.maxBodyBytes })
    await zipkin.register(zipkinApi, { queryService, autocompleteKeys: config.autocomplete.keys })

    const query = server('query')
    await query.register(jaegerApi, { queryService })

    const jaegerHttp = server('jaegerHttp', config.ingest.maxBodyBytes)
    await jaegerHttp.register(thriftReceiver, { sink: pipeline, maxBodyBytes: config.ingest.maxBodyBytes })

    const jaegerProto = loadJaegerProto()
    // Jaeger SDKs send batches of several MB; grpc-js would refuse more than 4 MB by default.
    const interceptors = [
      observeCalls({
        grpcCall: (service, method, code) => {
          metrics.grpcCall(service, method, code)
          requestsServed++
        },
      }),
    ]
    const jaegerGrpc = new grpc.Server({ 'grpc.max_receive_message_length': config.ingest.maxBodyBytes, interceptors })
    jaegerGrpc.addService(jaegerProto.collectorService, collectorService(pipeline, logger.child({ listener: 'jaegerGrpc' })))
    const queryGrpc = new grpc.Server({ interceptors })
    queryGrpc.addService(jaegerProto.queryService, queryGrpcService(jaegerProto, queryService, logger.child({ listener: 'queryGrpc' })))

    const urls = {
      zipkin: await listen(zipkin, config.zipkin, servers),
      query: await listen(query, config.query, servers),
      jaegerHttp: await listen(jaegerHttp, config.jaegerHttp, servers),
      jaegerGrpc: await listenGrpcServer(jaegerGrpc, config.jaegerGrpc, grpcServers),
      queryGrpc: await listenGrpcServer(queryGrpc, config.queryGrpc, grpcServers),
      admin: adminUrl,
    }
    retention.start()
    if (trimUnavailable) logger.warn(`memory freed after a burst of requests stays with the process: ${trimUnavailable}`)
    const mb = (bytes: number) => Math.round(bytes / 1e6)
    stopReleasingMemory = releaseMemoryWhenIdle(
      () => requestsServed,
      RELEASE_MEMORY_AFTER_IDLE_MS,
      () => releaseFreeMemory(() => storage!.releaseMemory()),
      ({ rssBeforeBytes, rssAfterBytes, pausedMs }) =>
        logger.info({ rssBeforeMb: mb(rssBeforeBytes), rssAfterMb: mb(rssAfterBytes), pausedMs: Math.round(pausedMs) }, 'idle: gave free memory back to the system'),
    )
    health.ready = true
    return { urls, storage, pipeline, retention, logger, close }
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

async function listenGrpcServer(server: grpc.Server, address: { host: string; port: number }, started: grpc.Server[]): Promise<string> {
  started.push(server)
  return listenGrpc(server, address)
}
