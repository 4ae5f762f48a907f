/** Zipkin's v1 span as its JSON and Thrift encodings carry it. */
import type { ZipkinEndpoint } from './zipkin-v2-span.js'

export type { ZipkinEndpoint }

export interface ZipkinV1Annotation {
  /** Epoch microseconds. */
  timestamp: number
  value: string
  endpoint?: ZipkinEndpoint
}

/** A binary annotation's value, typed as the sender declared it; integers never pass through a number. */
export type ZipkinV1Value =
  | { type: 'STRING'; value: string }
  | { type: 'BOOL'; value: boolean }
  | { type: 'I16' | 'I32' | 'I64'; value: bigint }
  | { type: 'DOUBLE'; value: number }
  | { type: 'BYTES'; value: Uint8Array }

export type ZipkinV1BinaryAnnotation = ZipkinV1Value & {
  key: string
  endpoint?: ZipkinEndpoint
}

export interface ZipkinV1Span {
  /** Hex, 16 or 32 digits: the decoder has already joined `traceIdHigh`. */
  traceId: string
  id: string
  parentId?: string
  name: string
  /** Epoch microseconds; absent (or 0 on the wire) when this host did not start the span. */
  timestamp?: number
  duration?: number
  debug: boolean
  annotations: ZipkinV1Annotation[]
  binaryAnnotations: ZipkinV1BinaryAnnotation[]
}
