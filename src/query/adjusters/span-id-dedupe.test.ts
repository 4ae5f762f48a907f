import { describe, expect, it } from 'vitest'
import { parentSpanId } from '../../model/span.js'
import { modelSpan } from '../../../test/helpers/model-spans.js'
import { dedupeSpanIds } from './span-id-dedupe.js'

const traceId = '0000000000000000000000000000abcd'

describe('dedupeSpanIds', () => {
  it('moves the server half of a shared id under the client and its children with it', () => {
    const root = modelSpan({ service: 'a', traceId, spanId: '0000000000000001' })
    const ref = (spanId: string) => [{ type: 'child_of' as const, traceId, spanId }]
    const client = modelSpan({ service: 'a', traceId, spanId: '0000000000000002', kind: 'client', references: ref('0000000000000001') })
    const server = modelSpan({ service: 'b', traceId, spanId: '0000000000000002', kind: 'server', shared: true, references: ref('0000000000000001') })
    const child = modelSpan({ service: 'b', traceId, spanId: '0000000000000003', references: ref('0000000000000002') })
    const [r, c, s, ch] = dedupeSpanIds([root, client, server, child])
    expect(r).toBe(root)
    expect(c).toBe(client)
    expect(s!.spanId).toBe('0000000000000004')
    expect(parentSpanId(s!)).toBe('0000000000000002')
    expect(parentSpanId(ch!)).toBe('0000000000000004')
    expect(server.spanId).toBe('0000000000000002')
  })

  it('leaves a shared server span without a client half alone (a sidecar root)', () => {
    const server = modelSpan({ service: 'envoy', traceId, spanId: '0000000000000009', kind: 'server', shared: true })
    expect(dedupeSpanIds([server])).toEqual([server])
  })
})
