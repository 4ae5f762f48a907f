/** Builds Zipkin JSON v2 spans and posts them, for tests that need exact control of the bytes. */
import { gzipSync } from 'node:zlib'
import type { ZipkinJsonSpan } from './zipkin-query.js'

export type { ZipkinJsonSpan }

let counter = 0

/** A fresh random 64-bit hex id. */
export function randomId(): string {
  counter++
  return (BigInt(Math.floor(Math.random() * 2 ** 48)) * 65536n + BigInt(counter % 65536)).toString(16).padStart(16, '0')
}

export function zipkinSpan(fields: Partial<ZipkinJsonSpan> & { service: string }): ZipkinJsonSpan {
  const { service, ...rest } = fields
  return {
    traceId: randomId(),
    id: randomId(),
    name: 'op',
    timestamp: Date.now() * 1000,
    duration: 1000,
    localEndpoint: { serviceName: service },
    ...rest,
  }
}

export async function postZipkinV2(zipkinUrl: string, body: unknown, options: { gzip?: boolean; contentType?: string } = {}): Promise<{ status: number; text: string; contentType: string | null }> {
  const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' }
  if (options.gzip) headers['content-encoding'] = 'gzip'
  const response = await fetch(`${zipkinUrl}/api/v2/spans`, { method: 'POST', headers, body: options.gzip ? gzipSync(raw) : raw })
  return { status: response.status, text: await response.text(), contentType: response.headers.get('content-type') }
}
