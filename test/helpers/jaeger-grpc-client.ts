/**
 * A plain @grpc/grpc-js client for spanlite's Jaeger gRPC services, built from the project's
 * .proto files: requests are plain objects encoded by protobufjs, responses decoded back to
 * plain objects (int64 as decimal strings, enums as numbers, bytes as Buffer).
 */
import * as grpc from '@grpc/grpc-js'
import { afterAll, beforeAll } from 'vitest'
import { loadJaegerProto } from '../../src/server/jaeger-proto.js'
import { type TestApp, useTestApp } from './test-app.js'

export type Message = Record<string, unknown>

export class JaegerGrpcClient {
  private readonly client: grpc.Client
  private readonly definition: grpc.ServiceDefinition

  constructor(address: string, serviceName: 'CollectorService' | 'QueryService') {
    const { root } = loadJaegerProto()
    const service = root.lookupService(`jaeger.api_v2.${serviceName}`)
    const definition: Record<string, grpc.MethodDefinition<Message, Message>> = {}
    for (const method of Object.values(service.methods)) {
      const requestType = root.lookupType(`jaeger.api_v2.${method.requestType}`)
      const responseType = root.lookupType(`jaeger.api_v2.${method.responseType}`)
      definition[method.name] = {
        path: `/jaeger.api_v2.${serviceName}/${method.name}`,
        requestStream: false,
        responseStream: method.responseStream === true,
        requestSerialize: (value) => Buffer.from(requestType.encode(requestType.fromObject(value)).finish()),
        requestDeserialize: (bytes) => requestType.toObject(requestType.decode(bytes)),
        responseSerialize: (value) => Buffer.from(responseType.encode(responseType.fromObject(value)).finish()),
        responseDeserialize: (bytes) =>
          responseType.toObject(responseType.decode(bytes), { longs: String, enums: Number, defaults: true, arrays: true }),
      }
    }
    this.definition = definition
    const Client = grpc.makeGenericClientConstructor(definition, serviceName)
    this.client = new Client(address, grpc.credentials.createInsecure())
  }

  unary(method: string, request: Message): Promise<Message> {
    const def = this.definition[method]!
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, request, (error, response) => {
        if (error) reject(error)
        else resolve(response as Message)
      })
    })
  }

  /** A unary call whose request is sent as the given bytes, encoded or not. */
  unaryBytes(method: string, request: Buffer): Promise<Message> {
    const def = this.definition[method]!
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(def.path, (bytes: Buffer) => bytes, def.responseDeserialize, request, (error, response) => {
        if (error) reject(error)
        else resolve(response as Message)
      })
    })
  }

  /** Every message of a server-streaming call. */
  stream(method: string, request: Message): Promise<Message[]> {
    const def = this.definition[method]!
    return new Promise((resolve, reject) => {
      const messages: Message[] = []
      const call = this.client.makeServerStreamRequest(def.path, def.requestSerialize, def.responseDeserialize, request)
      call.on('data', (message: Message) => messages.push(message))
      call.on('error', reject)
      call.on('end', () => resolve(messages))
    })
  }

  close(): void {
    this.client.close()
  }
}

/**
 * A server for the tests of one describe block, with clients of its gRPC collector and query
 * services. Like useTestApp, the returned objects are filled in once the server has started.
 */
export function useJaegerGrpc(): { app: TestApp; collector: JaegerGrpcClient; query: JaegerGrpcClient } {
  const app = useTestApp()
  const collector = Object.create(JaegerGrpcClient.prototype) as JaegerGrpcClient
  const query = Object.create(JaegerGrpcClient.prototype) as JaegerGrpcClient
  let connected = false
  beforeAll(() => {
    Object.assign(collector, new JaegerGrpcClient(app.urls.jaegerGrpc, 'CollectorService'))
    Object.assign(query, new JaegerGrpcClient(app.urls.queryGrpc, 'QueryService'))
    connected = true
  })
  afterAll(() => {
    if (!connected) return
    collector.close()
    query.close()
  })
  return { app, collector, query }
}
