/**
 * Jaeger's api_v2 protobuf messages (proto/*.proto) loaded by reflection, and the shapes their
 * decoded plain objects have (int64 as decimal strings, enums as numbers, bytes as Buffer).
 */
import { PROTO_DIR } from '../project-files.js'
import type * as grpc from '@grpc/grpc-js'
import protobuf from 'protobufjs'
import { serviceDefinition } from './grpc-server.js'

export interface JaegerProtoTimestamp {
  seconds: string
  nanos: number
}
export type JaegerProtoDuration = JaegerProtoTimestamp

export interface JaegerProtoKeyValue {
  key: string
  /** ValueType: STRING 0, BOOL 1, INT64 2, FLOAT64 3, BINARY 4. */
  vType: number
  vStr: string
  vBool: boolean
  vInt64: string
  vFloat64: number
  vBinary: Buffer
}

export interface JaegerProtoLog {
  timestamp: JaegerProtoTimestamp | null
  fields: JaegerProtoKeyValue[]
}

export interface JaegerProtoSpanRef {
  traceId: Buffer
  spanId: Buffer
  /** CHILD_OF 0, FOLLOWS_FROM 1. */
  refType: number
}

export interface JaegerProtoProcess {
  serviceName: string
  tags: JaegerProtoKeyValue[]
}

export interface JaegerProtoSpan {
  traceId: Buffer
  spanId: Buffer
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

export interface JaegerProtoBatch {
  spans: JaegerProtoSpan[]
  process: JaegerProtoProcess | null
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
