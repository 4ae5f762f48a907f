/**
 * Realistic trace traffic for the benchmark: traces of 5-50 spans over 3-30 services, 5-15
 * tags per span of low, medium and high cardinality, 0-2 annotations, 64- and 128-bit ids.
 * Seeded, so every run and every process sends the same spans.
 */
import { randomSource } from '../test/fuzz/mutate.js'

export interface ZipkinV2JsonSpan {
  traceId: string
  id: string
  parentId?: string
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER'
  name: string
  timestamp: number
  duration: number
  localEndpoint: { serviceName: string; ipv4: string; port: number }
  remoteEndpoint?: { serviceName: string }
  annotations?: { timestamp: number; value: string }[]
  tags: Record<string, string>
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE']
const STATUS = ['200', '200', '200', '201', '204', '301', '400', '404', '500', '503']
const LOW_TAGS = ['http.method', 'component', 'span.layer', 'region']
const LOW_VALUES = ['a', 'b', 'c', 'd']

function hex(random: () => number, digits: number): string {
  let text = ''
  while (text.length < digits) text += Math.floor(random() * 0x100000000).toString(16).padStart(8, '0')
  return text.slice(0, digits)
}

/** Yields traces (arrays of spans), `startUs` onward, one trace per `gapUs`. */
export function* traces(seed: number, startUs: number, gapUs = 200): Generator<ZipkinV2JsonSpan[]> {
  const random = randomSource(seed)
  const int = (n: number) => Math.floor(random() * n)
  const serviceCount = 3 + int(28)
  const services = Array.from({ length: serviceCount }, (_, i) => `service-${i}`)
  for (let t = 0; ; t++) {
    const traceId = hex(random, random() < 0.5 ? 16 : 32)
    const size = 5 + int(46)
    const root = startUs + t * gapUs
    const spans: ZipkinV2JsonSpan[] = []
    for (let i = 0; i < size; i++) {
      const parent = i === 0 ? undefined : spans[int(i)]
      const timestamp = parent ? parent.timestamp + int(Math.max(1, parent.duration / 2)) : root
      const span: ZipkinV2JsonSpan = {
        traceId,
        id: hex(random, 16),
        name: `operation-${int(20)}`,
        kind: (['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER', undefined] as const)[int(5)]!,
        timestamp,
        duration: parent ? 1 + int(Math.max(1, parent.duration / 2)) : 1000 + int(500_000),
        localEndpoint: { serviceName: services[int(serviceCount)]!, ipv4: `10.0.${int(4)}.${int(250)}`, port: 8080 },
        tags: {},
      }
      if (!span.kind) delete span.kind
      if (parent) span.parentId = parent.id
      if (span.kind === 'CLIENT') span.remoteEndpoint = { serviceName: services[int(serviceCount)]! }
      const tagCount = 5 + int(11)
      span.tags['http.method'] = METHODS[int(METHODS.length)]!
      span.tags['http.status_code'] = STATUS[int(STATUS.length)]!
      span.tags['user.id'] = `user-${int(1_000_000)}`
      span.tags['http.url'] = `https://shop.example/api/v1/items/${int(100_000)}?page=${int(10)}`
      for (let k = 4; k < tagCount; k++) span.tags[`${LOW_TAGS[k % LOW_TAGS.length]}.${k}`] = LOW_VALUES[int(LOW_VALUES.length)]!
      const annotations = int(3)
      if (annotations > 0) span.annotations = Array.from({ length: annotations }, (_, a) => ({ timestamp: timestamp + a, value: a === 0 ? 'wire.send' : 'cache.miss' }))
      spans.push(span)
    }
    yield spans
  }
}

/** Spans in batches of `batchSize`, trace after trace, until `totalSpans`. */
export function batches(seed: number, startUs: number, batchSize: number, totalSpans: number): ZipkinV2JsonSpan[][] {
  const out: ZipkinV2JsonSpan[][] = []
  let current: ZipkinV2JsonSpan[] = []
  let count = 0
  for (const trace of traces(seed, startUs)) {
    for (const span of trace) {
      current.push(span)
      count++
      if (current.length === batchSize) {
        out.push(current)
        current = []
      }
      if (count === totalSpans) {
        if (current.length > 0) out.push(current)
        return out
      }
    }
  }
  return out
}

/**
 * The same spans regrouped by service, `batchSize` at a time, as SDKs send them when a batch
 * carries one process (Jaeger): each service's spans leave once it has a batch's worth.
 */
export function batchesPerService(seed: number, startUs: number, batchSize: number, totalSpans: number): ZipkinV2JsonSpan[][] {
  const out: ZipkinV2JsonSpan[][] = []
  const pending = new Map<string, ZipkinV2JsonSpan[]>()
  for (const batch of batches(seed, startUs, batchSize, totalSpans)) {
    for (const span of batch) {
      const service = span.localEndpoint.serviceName
      const current = pending.get(service) ?? []
      current.push(span)
      if (current.length === batchSize) {
        out.push(current)
        pending.delete(service)
      } else pending.set(service, current)
    }
  }
  out.push(...pending.values())
  return out
}
