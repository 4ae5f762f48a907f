/**
 * Jaeger's api_v2 protobuf messages (proto/*.proto) loaded by reflection, and the shapes the
 * collector reads them in, as protobufjs decodes them (decodeWireMessage): enums as numbers,
 * int64 as a Long, bytes as a Buffer (an empty array when absent).
 */
import { PROTO_DIR } from '../project-files.js'
import type * as grpc from '@grpc/grpc-js'
import protobuf from 'protobufjs'
import { serviceDefinition } from './grpc-server.js'

/**
 * An int64: a Long (low and high 32 bits, high signed) as decoded; a decimal string in the
 * plain objects of decodeMessage (the query service's requests).
 */
export type ProtoInt64 = { low: number; high: number } | string

export interface JaegerProtoTimestamp {
  seconds: ProtoInt64
  nanos: number
}
export type JaegerProtoDuration = JaegerProtoTimestamp

export interface JaegerProtoKeyValue {
  key: string
  /** ValueType: STRING 0, BOOL 1, INT64 2, FLOAT64 3, BINARY 4. */
  vType: number
  vStr: string
  vBool: boolean
  vInt64: ProtoInt64
  vFloat64: number
  vBinary: Uint8Array
}

export interface JaegerProtoLog {
  timestamp: JaegerProtoTimestamp | null
  fields: JaegerProtoKeyValue[]
}

export interface JaegerProtoSpanRef {
  traceId: Uint8Array
  spanId: Uint8Array
  /** CHILD_OF 0, FOLLOWS_FROM 1. */
  refType: number
}

export interface JaegerProtoProcess {
  serviceName: string
  tags: JaegerProtoKeyValue[]
}

export interface JaegerProtoSpan {
  traceId: Uint8Array
  spanId: Uint8Array
  operationName: string
  references: JaegerProtoSpanRef[]
  flags: number
  startTime: JaegerProtoTimestamp | null
  duration: JaegerProtoDuration | null
  tags: JaegerProtoKeyValue[]
  logs: JaegerProtoLog[]
  process: JaegerProtoProcess | null
  processId: string
  warnings: string[]
}

export interface JaegerProto {
  root: protobuf.Root
  type(name: string): protobuf.Type
  collectorService: grpc.ServiceDefinition
  queryService: grpc.ServiceDefinition
}

let loaded: JaegerProto | undefined

/** Parses the .proto files once (on first use, not at import). */
export function loadJaegerProto(): JaegerProto {
  if (loaded) return loaded
  const root = new protobuf.Root()
  // google/protobuf/* resolve to protobufjs's bundled well-known types; the rest to proto/.
  root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : PROTO_DIR + target.replace(/^.*\//, ''))
  root.loadSync(['collector.proto', 'query.proto'])
  root.resolveAll()
  loaded = {
    root,
    type: (name) => root.lookupType(`jaeger.api_v2.${name}`),
    collectorService: serviceDefinition(root, 'jaeger.api_v2.CollectorService'),
    queryService: serviceDefinition(root, 'jaeger.api_v2.QueryService'),
  }
  return loaded
}
