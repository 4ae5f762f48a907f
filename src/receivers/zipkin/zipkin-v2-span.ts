/** Zipkin's v2 span as its JSON and proto3 encodings carry it. */
export type ZipkinKind = 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER'

export interface ZipkinEndpoint {
  serviceName?: string
  ipv4?: string
  ipv6?: string
  port?: number
}

export interface ZipkinAnnotation {
  timestamp: number
  value: string
}

export interface ZipkinV2Span {
  traceId: string
  id: string
  parentId?: string
  kind?: ZipkinKind
  name?: string
  /** Epoch microseconds; absent when the reporter did not know it. */
  timestamp?: number
  duration?: number
  debug?: boolean
  shared?: boolean
  localEndpoint?: ZipkinEndpoint
  remoteEndpoint?: ZipkinEndpoint
  annotations: ZipkinAnnotation[]
  tags: Record<string, string>
}
