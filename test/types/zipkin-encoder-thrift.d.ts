/** The one function zipkin-encoder-thrift exports (it ships no typings): a span as Zipkin v1 Thrift bytes. */
declare module 'zipkin-encoder-thrift' {
  import type { model } from 'zipkin'

  const THRIFT: { encode(span: model.Span): Buffer }
  export default THRIFT
}
