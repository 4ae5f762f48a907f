/**
 * Spans as a Zipkin v1 Thrift body (thrift/zipkinCore.thrift): a TBinaryProtocol list of Span
 * structs. zipkin-encoder-thrift does the v2 -> v1 conversion a zipkin-js client does (kind
 * becomes cs/cr or sr/ss annotations, tags binary annotations, the remote service an `sa`).
 */
import thrift from 'thrift'
import { TraceId, model, option } from 'zipkin'
import THRIFT from 'zipkin-encoder-thrift'
import type { ZipkinV2JsonSpan } from './traffic.js'

function zipkinJsSpan(span: ZipkinV2JsonSpan): model.Span {
  const parentId = span.parentId === undefined ? option.None : new option.Some(span.parentId)
  const out = new model.Span(new TraceId({ traceId: span.traceId, spanId: span.id, parentId }))
  out.setName(span.name)
  if (span.kind) out.setKind(span.kind)
  out.setTimestamp(span.timestamp)
  out.setDuration(span.duration)
  out.setLocalEndpoint(new model.Endpoint(span.localEndpoint))
  if (span.remoteEndpoint) out.setRemoteEndpoint(new model.Endpoint(span.remoteEndpoint))
  for (const annotation of span.annotations ?? []) out.addAnnotation(annotation.timestamp, annotation.value)
  for (const [key, value] of Object.entries(span.tags)) out.putTag(key, value)
  return out
}

export function zipkinThriftBody(spans: ZipkinV2JsonSpan[]): Buffer {
  const chunks: Buffer[] = []
  const transport = new thrift.TBufferedTransport(undefined, (bytes?: Buffer) => {
    if (bytes) chunks.push(bytes)
  })
  const protocol = new thrift.TBinaryProtocol(transport)
  protocol.writeListBegin(thrift.Thrift.Type.STRUCT, spans.length)
  protocol.flush()
  for (const span of spans) chunks.push(Buffer.from(THRIFT.encode(zipkinJsSpan(span))))
  return Buffer.concat(chunks)
}
