/**
 * The composition root: storage, then the ingest pipeline, then the query service, then one
 * HTTP server per port. Reads like the port table.
 */
import * as grpc from '@grpc/grpc-js'
import type { FastifyInstance } from 'fastify'
import { queryGrpcService } from './api/grpc-query/query-grpc-service.js'
import { jaegerApi } from './api/jaeger/jaeger-api.js'
import type { Config } from './config/schema.js'
import { Pipeline } from './pipeline/pipeline.js'
import { QueryService } from './query/query-service.js'
import { collectorService } from './receivers/jaeger/collector-service.js'
import { thriftReceiver } from './receivers/jaeger/thrift-receiver.js'
import { zipkinReceiver } from './receivers/zipkin/zipkin-receiver.js'
import { closeGrpc, listenGrpc } from './server/grpc-server.js'
import { createHttpServer } from './server/http-server.js'
import { loadJaegerProto } from './server/jaeger-proto.js'
import { SqliteStorage } from './storage/sqlite/sqlite-storage.js'
import type { Storage } from './storage/storage.js'

const MAX_BODY_BYTES = 10 * 1024 * 1024

export interface App {
  /**
   * Bound addresses by listener name, e.g. zipkin → http://127.0.0.1:9411; the gRPC listeners
   * as host:port, which is what gRPC clients take (jaegerGrpc → 127.0.0.1:14250).
   */
  readonly urls: Record<'zipkin' | 'query' | 'jaegerHttp' | 'jaegerGrpc' | 'queryGrpc', string>
  readonly storage: Storage
  readonly pipeline: Pipeline
  close(): Promise<void>
}

export async function startApp(config: Config): Promise<App> {
  const storage = new SqliteStorage({ path: config.storage.path })
  const pipeline = new Pipeline(config.pipeline, storage)
  const queryService = new QueryService(storage)

  const zipkin = createHttpServer('zipkin', config.log)
  await zipkin.register(zipkinReceiver, { sink: pipeline, maxBodyBytes: MAX_BODY_BYTES })

  const query = createHttpServer('query', config.log)
  await query.register(jaegerApi, { queryService })

  const jaegerHttp = createHttpServer('jaegerHttp', config.log)
  await jaegerHttp.register(thriftReceiver, { sink: pipeline, maxBodyBytes: MAX_BODY_BYTES })

  const jaegerProto = loadJaegerProto()
  // Jaeger SDKs send batches of several MB; grpc-js would refuse more than 4 MB by default.
  const jaegerGrpc = new grpc.Server({ 'grpc.max_receive_message_length': MAX_BODY_BYTES })
  jaegerGrpc.addService(jaegerProto.collectorService, collectorService(jaegerProto, pipeline, jaegerHttp.log.child({ grpcService: 'CollectorService' })))

  const queryGrpc = new grpc.Server()
  queryGrpc.addService(jaegerProto.queryService, queryGrpcService(jaegerProto, queryService, query.log.child({ grpcService: 'QueryService' })))

  const servers: FastifyInstance[] = []
  const grpcServers: grpc.Server[] = []
  const close = async () => {
    // Stop taking requests, let in-flight ones finish, commit what was queued, then close the file.
    await Promise.all([...servers.map((server) => server.close()), ...grpcServers.map((server) => closeGrpc(server))])
    await pipeline.close()
    await storage.close()
  }
  try {
    const urls = {
      zipkin: await listen(zipkin, config.zipkin, servers),
      query: await listen(query, config.query, servers),
      jaegerHttp: await listen(jaegerHttp, config.jaegerHttp, servers),
      jaegerGrpc: await listenGrpcServer(jaegerGrpc, config.jaegerGrpc, grpcServers),
      queryGrpc: await listenGrpcServer(queryGrpc, config.queryGrpc, grpcServers),
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

async function listenGrpcServer(server: grpc.Server, address: { host: string; port: number }, started: grpc.Server[]): Promise<string> {
  started.push(server)
  return listenGrpc(server, address)
}
