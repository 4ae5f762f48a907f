/** Model spans for storage tests. */
import type { Span } from '../../src/model/span.js'
import { randomId } from './zipkin-spans.js'

export function modelSpan(fields: Partial<Span> & { service: string }): Span {
  const { service, ...rest } = fields
  return {
    traceId: randomId().padStart(32, '0'),
    spanId: randomId(),
    references: [],
    operationName: 'op',
    shared: false,
    startTimeUs: Date.now() * 1000,
    durationUs: 100,
    flags: 1,
    tags: [],
    logs: [],
    process: { serviceName: service, tags: [] },
    warnings: [],
    ...rest,
  }
}
