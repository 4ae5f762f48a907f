/** Wire encodings the benchmark can send, from the same generated spans. */
import type { ZipkinV2JsonSpan } from './traffic.js'

export type Format = 'zipkin-v2-json'

export const FORMATS: { format: Format; path: string; port: 'zipkin' }[] = [{ format: 'zipkin-v2-json', path: '/api/v2/spans', port: 'zipkin' }]

export interface EncodedBody {
  contentType: string
  bytes: Uint8Array
}

export function encodeBatch(format: Format, spans: ZipkinV2JsonSpan[]): EncodedBody {
  switch (format) {
    case 'zipkin-v2-json':
      return { contentType: 'application/json', bytes: Buffer.from(JSON.stringify(spans)) }
  }
}
