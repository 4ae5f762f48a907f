/**
 * Zipkin proto3: ListOfSpans bodies built with protobufjs from proto/zipkin.proto read back
 * exactly as the same spans posted as JSON v2 do.
 */
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { ListOfSpans, toProto } from '../helpers/zipkin-proto3.js'
import { type ZipkinJsonSpan, jaegerShape, jaegerTrace, postSpans, sortZipkin, zipkinGet } from '../helpers/zipkin-query.js'

const FILES = ['messaging.json', 'ascend.json', 'envoy.json', 'malformed.json']
const conformance = (file: string) => JSON.parse(readFileSync(new URL(`../../../shared/conformance/zipkin/${file}`, import.meta.url), 'utf8')) as ZipkinJsonSpan[]

describe('Zipkin proto3 on /api/v2/spans', () => {
  let jsonApp: TestApp
  let protoApp: TestApp
  beforeAll(async () => {
    ;[jsonApp, protoApp] = await Promise.all([startTestApp(), startTestApp()])
  })
  afterAll(async () => {
    for (const app of [jsonApp, protoApp]) {
      await app?.close()
      app?.removeFiles()
    }
  })

  it.each(FILES)('%s: the same trace in as proto3 and as JSON, the same trace out of both APIs', async (file) => {
    const spans = conformance(file)
    expect(await postSpans(jsonApp.urls.zipkin, '/api/v2/spans', JSON.stringify(spans))).toEqual({ status: 202, text: '' })
    // gzip on the proto path too: the body parser inflates before the decoder.
    const body = gzipSync(toProto(spans))
    const response = await fetch(`${protoApp.urls.zipkin}/api/v2/spans`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
    })
    expect(response.status).toBe(202)

    const traceId = spans[0]!.traceId
    const fromJson = await zipkinGet<ZipkinJsonSpan[]>(jsonApp.urls.zipkin, `/api/v2/trace/${traceId}`)
    const fromProto = await zipkinGet<ZipkinJsonSpan[]>(protoApp.urls.zipkin, `/api/v2/trace/${traceId}`)
    expect(sortZipkin(fromProto)).toEqual(sortZipkin(fromJson))
    expect(fromProto).toHaveLength(spans.length)
    expect(jaegerShape(await jaegerTrace(protoApp.urls.query, traceId))).toEqual(jaegerShape(await jaegerTrace(jsonApp.urls.query, traceId)))
  })

  it('rejects bytes that are not a ListOfSpans with 400 and stores nothing', async () => {
    const bad = await postSpans(protoApp.urls.zipkin, '/api/v2/spans', Buffer.from([0x0a, 0x05, 0x0a, 0x03, 0x01]), 'application/x-protobuf')
    expect(bad.status).toBe(400)
    expect(bad.text).toMatch(/ListOfSpans|trace_id/)
    const shortId = ListOfSpans.encode(ListOfSpans.fromObject({ spans: [{ traceId: Buffer.from('0102', 'hex'), id: Buffer.alloc(8, 1) }] })).finish()
    const rejected = await postSpans(protoApp.urls.zipkin, '/api/v2/spans', shortId, 'application/x-protobuf')
    expect(rejected).toEqual({ status: 400, text: 'span[0].trace_id: expected 8 or 16 bytes, got 2\n' })
    const ids = { traceId: Buffer.alloc(8, 1), id: Buffer.alloc(8, 2) }
    const tooLate = ListOfSpans.encode(ListOfSpans.fromObject({ spans: [{ ...ids, timestamp: '9007199254740992' }] })).finish()
    expect(await postSpans(protoApp.urls.zipkin, '/api/v2/spans', tooLate, 'application/x-protobuf')).toEqual({ status: 400, text: 'span[0].timestamp: 9007199254740992 microseconds is out of range\n' })
    const unknownKind = ListOfSpans.encode(ListOfSpans.fromObject({ spans: [{ ...ids, kind: 7 }] })).finish()
    expect(await postSpans(protoApp.urls.zipkin, '/api/v2/spans', unknownKind, 'application/x-protobuf')).toEqual({ status: 400, text: 'span[0].kind: expected 0 to 4, got 7\n' })
    expect((await fetch(`${protoApp.urls.zipkin}/api/v2/trace/${'01'.repeat(8)}`)).status).toBe(404)
  })

  it('reads the largest timestamp a JS number holds exactly', async () => {
    const ids = { traceId: Buffer.alloc(16, 3), id: Buffer.alloc(8, 4) }
    const body = ListOfSpans.encode(ListOfSpans.fromObject({ spans: [{ ...ids, name: 'late', timestamp: '9007199254740991', duration: '4294967297', localEndpoint: { serviceName: 'edge' } }] })).finish()
    expect(await postSpans(protoApp.urls.zipkin, '/api/v2/spans', body, 'application/x-protobuf')).toEqual({ status: 202, text: '' })
    const [span] = await zipkinGet<ZipkinJsonSpan[]>(protoApp.urls.zipkin, `/api/v2/trace/${'03'.repeat(16)}`)
    expect(span).toMatchObject({ name: 'late', timestamp: 9007199254740991, duration: 4294967297 })
  })

  it('an empty proto3 body is accepted', async () => {
    expect(await postSpans(protoApp.urls.zipkin, '/api/v2/spans', new Uint8Array(0), 'application/x-protobuf')).toEqual({ status: 202, text: '' })
  })
})
