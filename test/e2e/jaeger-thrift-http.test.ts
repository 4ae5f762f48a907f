/**
 * POST /api/traces with hand-built jaeger.thrift Batches, written by the thrift package's own
 * binary and compact protocols: typed values survive exactly, and bad requests get 400 text
 * without storing anything.
 */
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { encodeBatch, type TestSpan } from '../helpers/jaeger-thrift.js'
import { useTestApp } from '../helpers/test-app.js'

const START_US = 1_700_000_000_123_456n

function sampleSpans(traceIdLow: bigint): TestSpan[] {
  return [
    {
      traceIdHigh: 0x0123456789abcdefn,
      traceIdLow,
      spanId: 0xfedcba9876543210n,
      parentSpanId: 0n,
      operationName: 'root',
      startTimeUs: START_US,
      durationUs: 1500n,
      tags: [
        { key: 'span.kind', type: 'string', value: 'server' },
        { key: 'big', type: 'long', value: 9_223_372_036_854_775_807n },
        { key: 'negative', type: 'long', value: -42n },
        { key: 'raw', type: 'binary', value: Buffer.from([0xde, 0xad]) },
        { key: 'error', type: 'bool', value: false },
      ],
      logs: [{ timestampUs: START_US + 10n, fields: [{ key: 'event', type: 'string', value: 'started' }] }],
    },
    {
      traceIdHigh: 0x0123456789abcdefn,
      traceIdLow,
      spanId: 2n,
      parentSpanId: 0xfedcba9876543210n,
      operationName: 'child',
      startTimeUs: START_US + 100n,
      durationUs: 200n,
      tags: [],
    },
  ]
}

describe('POST /api/traces (jaeger.thrift over HTTP)', () => {
  const app = useTestApp()

  const post = (body: Buffer, contentType: string) =>
    fetch(`${app.urls.jaegerHttp}/api/traces`, { method: 'POST', headers: { 'content-type': contentType }, body })
  const traceText = async (traceId: string) => fetch(`${app.urls.query}/api/traces/${traceId}`)

  it.each([
    ['binary', 'application/x-thrift', 0x1n],
    ['binary', 'application/vnd.apache.thrift.binary', 0x2n],
    ['compact', 'application/vnd.apache.thrift.compact', 0x3n],
  ] as const)('stores a %s Batch sent as %s, 64-bit values exact', async (protocol, contentType, low) => {
    const response = await post(encodeBatch(protocol, 'thrift-svc', sampleSpans(low)), contentType)
    expect(response.status).toBe(202)
    expect(await response.text()).toBe('')

    const traceId = `0123456789abcdef${low.toString(16).padStart(16, '0')}`
    const read = await traceText(traceId)
    expect(read.status).toBe(200)
    const text = await read.text()
    // Read as text: JSON.parse would round the int64 value.
    expect(text).toContain('"key":"big","type":"int64","value":9223372036854775807')
    expect(text).toContain('"key":"negative","type":"int64","value":-42')
    const trace = (JSON.parse(text) as { data: { traceID: string; spans: Record<string, unknown>[]; processes: Record<string, unknown> }[] }).data[0]!
    expect(trace.traceID).toBe(traceId)
    const [root, child] = ['root', 'child'].map((name) => trace.spans.find((s) => s.operationName === name)!) as [Record<string, unknown>, Record<string, unknown>]
    expect(root.spanID).toBe('fedcba9876543210')
    expect(root.startTime).toBe(Number(START_US))
    expect(root.duration).toBe(1500)
    expect(root.flags).toBe(1)
    expect(root.references).toEqual([])
    expect(root.tags).toEqual(
      expect.arrayContaining([
        { key: 'raw', type: 'binary', value: Buffer.from([0xde, 0xad]).toString('base64') },
        { key: 'error', type: 'bool', value: false },
        { key: 'span.kind', type: 'string', value: 'server' },
      ]),
    )
    expect(root.logs).toEqual([{ timestamp: Number(START_US) + 10, fields: [{ key: 'event', type: 'string', value: 'started' }] }])
    // parentSpanId becomes the CHILD_OF reference.
    expect(child.references).toEqual([{ refType: 'CHILD_OF', traceID: traceId, spanID: 'fedcba9876543210' }])
    expect(Object.values(trace.processes)).toEqual([{ serviceName: 'thrift-svc', tags: [{ key: 'hostname', type: 'string', value: 'host-1' }] }])
  })

  it('accepts a gzip-encoded body', async () => {
    const body = gzipSync(encodeBatch('binary', 'thrift-gzip', sampleSpans(0x4n)))
    const response = await fetch(`${app.urls.jaegerHttp}/api/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-thrift', 'content-encoding': 'gzip' },
      body,
    })
    expect(response.status).toBe(202)
    expect((await traceText('0123456789abcdef0000000000000004')).status).toBe(200)
  })

  it('answers 400 text for another content type, a truncated body or a missing required field, storing nothing', async () => {
    const good = encodeBatch('binary', 'thrift-bad', sampleSpans(0x10n))

    const json = await post(Buffer.from('{}'), 'application/json')
    expect(json.status).toBe(400)
    expect(json.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await json.text()).toMatch(/unsupported Content-Type 'application\/json'/)

    const truncated = await post(good.subarray(0, good.length - 20), 'application/x-thrift')
    expect(truncated.status).toBe(400)
    expect(await truncated.text()).toMatch(/not a Thrift binary Batch \(the body ends early\)/)

    const spans = sampleSpans(0x11n)
    spans[1]!.omitOperationName = true
    const missing = await post(encodeBatch('binary', 'thrift-bad', spans), 'application/x-thrift')
    expect(missing.status).toBe(400)
    expect(await missing.text()).toMatch(/batch\.spans\[1\]\.operationName is missing/)

    const zeroId = sampleSpans(0x12n)
    zeroId[0]!.spanId = 0n
    const zero = await post(encodeBatch('binary', 'thrift-bad', zeroId), 'application/x-thrift')
    expect(zero.status).toBe(400)
    expect(await zero.text()).toMatch(/batch\.spans\[0\]\.spanId/)

    for (const low of ['10', '11', '12']) expect((await traceText(`0123456789abcdef00000000000000${low}`)).status).toBe(404)
    const services = (await (await fetch(`${app.urls.query}/api/services`)).json()) as { data: string[] }
    expect(services.data).not.toContain('thrift-bad')

    // The server keeps serving: the next good batch is stored.
    expect((await post(good, 'application/x-thrift')).status).toBe(202)
    expect((await traceText('0123456789abcdef0000000000000010')).status).toBe(200)
  })
})
