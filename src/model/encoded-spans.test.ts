import { describe, expect, it } from 'vitest'
import { modelSpan } from '../../test/helpers/model-spans.js'
import { encodeSpanList, hasErrorTag, isShared, kindOf, lineText, type SpanString, spanCount, spanString, termHashesOf, transferables } from './encoded-spans.js'
import { decodeSpan, encodeSpan } from './span-codec.js'
import { spanTermHashes } from './span-terms.js'
import { hashString } from './string-hash.js'

describe('encoded spans', () => {
  const root = modelSpan({ service: 'shop', operationName: 'checkout', kind: 'client', tags: [{ key: 'user.id', type: 'string', value: 'ünï' }] })
  const child = modelSpan({ service: 'stock', operationName: 'réserve', kind: 'server', shared: true, tags: [{ key: 'error', type: 'bool', value: false }], references: [{ type: 'child_of', traceId: root.traceId, spanId: root.spanId }] })
  child.traceId = root.traceId
  child.remoteEndpoint = { serviceName: 'shop' }
  const encoded = encodeSpanList([root, child])

  it('keeps each span as its line, and what a store files it by beside it', () => {
    expect(spanCount(encoded)).toBe(2)
    expect([0, 1].map((i) => decodeSpan(lineText(encoded, i)))).toEqual([root, child])
    expect(encoded.lineHashes[1]).toBe(hashString(encodeSpan(child)) >>> 0)
    const strings = (name: SpanString) => [0, 1].map((i) => spanString(encoded, i, name))
    expect(strings('traceId')).toEqual([root.traceId, root.traceId])
    expect(strings('spanId')).toEqual([root.spanId, child.spanId])
    expect(strings('parentSpanId')).toEqual(['', root.spanId])
    expect(strings('serviceName')).toEqual(['shop', 'stock'])
    expect(strings('operationName')).toEqual([root.operationName, child.operationName])
    expect(strings('remoteServiceName')).toEqual(['', 'shop'])
    expect([kindOf(encoded, 0), isShared(encoded, 0), kindOf(encoded, 1), isShared(encoded, 1)]).toEqual(['client', false, 'server', true])
    expect([hasErrorTag(encoded, 0), hasErrorTag(encoded, 1)]).toEqual([false, true])
    expect([...encoded.startUs]).toEqual([root.startTimeUs, child.startTimeUs])
    expect([...termHashesOf(encoded, 0)]).toEqual(spanTermHashes(root))
    expect([...termHashesOf(encoded, 1)]).toEqual(spanTermHashes(child))
  })

  it('holds every array in one buffer, transferred whole', () => {
    const own = encodeSpanList([root, child])
    const buffers = transferables(own)
    expect(buffers).toHaveLength(1)
    expect(Object.values(own).every((array) => array.buffer === buffers[0])).toBe(true)
    const moved = structuredClone(own, { transfer: buffers })
    expect(own.text.byteLength).toBe(0)
    expect([0, 1].map((i) => decodeSpan(lineText(moved, i)))).toEqual([root, child])
    expect([0, 1].map((i) => spanString(moved, i, 'operationName'))).toEqual(['checkout', 'réserve'])
    expect([...moved.durationUs, ...moved.lineHashes, ...termHashesOf(moved, 1)]).toEqual([...encoded.durationUs, ...encoded.lineHashes, ...termHashesOf(encoded, 1)])
  })
})
