/**
 * gRPC plumbing shared by every gRPC service: service definitions built from protobufjs
 * reflection, the `unary()` / `serverStream()` bindings that await a handler and map what it
 * throws to a status, and listening on a port.
 */
import * as grpc from '@grpc/grpc-js'
import type { Root, Type } from 'protobufjs'
import { InvalidInputError, SpanliteError } from '../errors.js'

/** What a handler may write back: a plain object shaped like the response message. */
export type ProtoObject = Record<string, unknown>

export interface GrpcLog {
  error(object: { err: unknown }, message: string): void
}

/**
 * The grpc-js definition of `serviceName` from `root`. Requests stay raw bytes, so each
 * handler decodes them itself and a malformed message is INVALID_ARGUMENT, not INTERNAL.
 */
export function serviceDefinition(root: Root, serviceName: string): grpc.ServiceDefinition {
  const service = root.lookupService(serviceName)
  const definition: Record<string, grpc.MethodDefinition<Buffer, ProtoObject>> = {}
  for (const method of Object.values(service.methods)) {
    const responseType = root.lookupType(method.resolvedResponseType?.fullName ?? method.responseType)
    definition[method.name] = {
      path: `/${service.fullName.replace(/^\./, '')}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      requestSerialize: (value: Buffer) => value,
      requestDeserialize: (bytes: Buffer) => bytes,
      responseSerialize: (value: ProtoObject) => Buffer.from(responseType.encode(responseType.fromObject(value)).finish()),
      responseDeserialize: (bytes: Buffer) => responseType.toObject(responseType.decode(bytes)) as ProtoObject,
    }
  }
  return definition
}

/** Decodes a request into a plain object: int64 as decimal strings, enums as numbers, defaults filled in. */
export function decodeMessage<T>(type: Type, bytes: Buffer): T {
  return type.toObject(decodeWireMessage(type, bytes), { longs: String, enums: Number, defaults: true, arrays: true }) as T
}

/**
 * Decodes a request as protobufjs does, without copying it into a plain object: a field not
 * on the wire reads as its default from the message's prototype, an int64 is a Long, bytes a
 * Buffer (an empty array when absent). For the ingest path, where the copy cost about a third
 * of decoding a span, above all the empty Buffer it made for every absent bytes field.
 */
export function decodeWireMessage<T>(type: Type, bytes: Buffer): T {
  try {
    return type.decode(bytes) as unknown as T
  } catch (error) {
    throw new InvalidInputError(`the request is not a valid ${type.name} message (${(error as Error).message})`)
  }
}

/** A status for anything a handler threw: ours with its code and message, anything else INTERNAL without details. */
function toStatus(error: unknown, log: GrpcLog): Partial<grpc.StatusObject> {
  if (error instanceof SpanliteError) return { code: error.grpcCode, details: error.message }
  log.error({ err: error }, 'gRPC call failed')
  return { code: grpc.status.INTERNAL, details: 'internal error; the server log has the details' }
}

/** Binds a unary handler: its result is the response; OK is sent only once it resolves. */
export function unary<Response extends ProtoObject>(
  handler: (request: Buffer) => Promise<Response>,
  log: GrpcLog,
): grpc.handleUnaryCall<Buffer, ProtoObject> {
  return (call, callback) => {
    handler(call.request).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toStatus(error, log)),
    )
  }
}

/** Binds a server-streaming handler: it writes messages through `write`, then the call ends OK. */
export function serverStream(
  handler: (request: Buffer, write: (message: ProtoObject) => void) => Promise<void>,
  log: GrpcLog,
): grpc.handleServerStreamingCall<Buffer, ProtoObject> {
  return (call) => {
    handler(call.request, (message) => call.write(message)).then(
      () => call.end(),
      (error: unknown) => call.emit('error', toStatus(error, log)),
    )
  }
}

/** Told how every gRPC call ended, e.g. to count calls by method and status code. */
export interface GrpcCallObserver {
  grpcCall(service: string, method: string, code: grpc.status): void
}

/**
 * A server interceptor reporting each call's final status to `observer`. It sits below the
 * bindings, so it also sees the statuses grpc-js sends by itself (UNIMPLEMENTED, cancellations).
 */
export function observeCalls(observer: GrpcCallObserver): grpc.ServerInterceptor {
  return (method, call) => {
    const [, service = '', name = ''] = method.path.split('/')
    return new grpc.ServerInterceptingCall(call, {
      sendStatus: (status, next) => {
        observer.grpcCall(service, name, status.code)
        next(status)
      },
    })
  }
}

/** Always ends with UNIMPLEMENTED and `reason`. */
export function unimplemented(reason: string): grpc.handleUnaryCall<Buffer, ProtoObject> {
  return (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: reason })
}

/** Binds `server` to host:port and returns the bound address as `host:port`. */
export function listenGrpc(server: grpc.Server, address: { host: string; port: number }): Promise<string> {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${address.port}`, grpc.ServerCredentials.createInsecure(), (error, port) => {
      if (error) reject(error)
      else resolve(`${host}:${port}`)
    })
  })
}

/** Stops taking calls and waits for running ones, forcing them after `graceMs`. */
export function closeGrpc(server: grpc.Server, graceMs = 5_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.forceShutdown(), graceMs)
    server.tryShutdown(() => {
      clearTimeout(timer)
      resolve()
    })
  })
}
