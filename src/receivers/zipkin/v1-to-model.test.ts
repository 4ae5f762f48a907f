import { describe, expect, it } from 'vitest'
import { decodeZipkinV1Json } from './v1-json.js'
import { zipkinV1ToModel } from './v1-to-model.js'

const web = { serviceName: 'web', ipv4: '10.0.0.1' }
const api = { serviceName: 'api', ipv4: '10.0.0.2' }
const broker = { serviceName: 'kafka', ipv4: '10.0.0.9' }

const convert = (spans: unknown[]) => zipkinV1ToModel(decodeZipkinV1Json(Buffer.from(JSON.stringify(spans))))
const base = { traceId: '00000000000000aa', id: '00000000000000bb', parentId: '00000000000000aa', name: 'call' }

describe('zipkinV1ToModel', () => {
  it('a client-only fragment starts at cs and has no duration; a server-only fragment is the shared half', () => {
    const [client] = convert([{ ...base, annotations: [{ timestamp: 100, value: 'cs', endpoint: web }] }])
    expect(client).toMatchObject({ kind: 'client', startTimeUs: 100, durationUs: 0, shared: false, process: { serviceName: 'web' } })
    const [server] = convert([{ ...base, annotations: [{ timestamp: 150, value: 'sr', endpoint: api }] }])
    expect(server).toMatchObject({ kind: 'server', startTimeUs: 150, durationUs: 0, shared: true, process: { serviceName: 'api' } })
  })

  it('one span with both sides on one service (loopback) still makes two spans', () => {
    const spans = convert([
      {
        ...base,
        annotations: [
          { timestamp: 100, value: 'cs', endpoint: web },
          { timestamp: 110, value: 'sr', endpoint: { ...web, port: 81 } },
          { timestamp: 120, value: 'ss', endpoint: { ...web, port: 81 } },
          { timestamp: 130, value: 'cr', endpoint: web },
        ],
      },
    ])
    expect(spans.map((s) => [s.kind, s.shared, s.startTimeUs, s.durationUs])).toEqual([
      ['client', false, 100, 30],
      ['server', true, 110, 10],
    ])
  })

  it('ms/mr make producer and consumer spans with the broker as remote endpoint', () => {
    const spans = convert([
      {
        ...base,
        annotations: [
          { timestamp: 100, value: 'ms', endpoint: web },
          { timestamp: 300, value: 'mr', endpoint: api },
        ],
        binaryAnnotations: [{ key: 'ma', value: true, endpoint: broker }],
      },
    ])
    expect(spans.map((s) => [s.kind, s.shared, s.startTimeUs, s.durationUs, s.remoteEndpoint?.serviceName])).toEqual([
      ['producer', false, 100, 0, 'kafka'],
      ['consumer', true, 300, 0, 'kafka'],
    ])
  })

  it('a local span keeps its lc tag, an empty lc is only a marker, other annotations become logs', () => {
    const [local] = convert([
      {
        ...base,
        timestamp: 500,
        duration: 20,
        annotations: [{ timestamp: 505, value: 'cache.miss', endpoint: web }],
        binaryAnnotations: [{ key: 'lc', value: 'jdbc', endpoint: web }],
      },
    ])
    expect(local).toMatchObject({ startTimeUs: 500, durationUs: 20, tags: [{ key: 'lc', type: 'string', value: 'jdbc' }] })
    expect(local!.kind).toBeUndefined()
    expect(local!.logs).toEqual([{ timestampUs: 505, fields: [{ key: 'event', type: 'string', value: 'cache.miss' }] }])
    const [marker] = convert([{ ...base, timestamp: 500, duration: 20, binaryAnnotations: [{ key: 'lc', value: '', endpoint: web }] }])
    expect(marker!.tags).toEqual([])
  })

  it('address annotations without core annotations: ca and sa make a client-to-server pair, ca alone a server', () => {
    const [both] = convert([{ ...base, binaryAnnotations: [{ key: 'ca', value: true, endpoint: web }, { key: 'sa', value: true, endpoint: api }] }])
    expect(both).toMatchObject({ localEndpoint: web, remoteEndpoint: api })
    expect(both!.kind).toBeUndefined()
    const [server] = convert([{ ...base, binaryAnnotations: [{ key: 'ca', value: true, endpoint: web }] }])
    expect(server).toMatchObject({ kind: 'server', remoteEndpoint: web })
  })

  it('typed JSON binary annotations keep their type; quoted I64 stays exact; traceIdHigh makes a 128-bit id', () => {
    const [span] = convert([
      {
        ...base,
        traceIdHigh: '0000000000000001',
        debug: true,
        binaryAnnotations: [
          { key: 'big', type: 'I64', value: '9223372036854775807', endpoint: web },
          { key: 'flag', type: 'BOOL', value: false, endpoint: web },
          { key: 'bytes', type: 'BYTES', value: 'AQID', endpoint: web },
          { key: 'pi', type: 'DOUBLE', value: 3.5, endpoint: web },
        ],
      },
    ])
    expect(span!.traceId).toBe('000000000000000100000000000000aa')
    expect(span!.flags).toBe(3)
    expect(span!.tags).toEqual([
      { key: 'big', type: 'int64', value: 9223372036854775807n },
      { key: 'flag', type: 'bool', value: false },
      { key: 'bytes', type: 'binary', value: new Uint8Array([1, 2, 3]) },
      { key: 'pi', type: 'float64', value: 3.5 },
    ])
  })

  it('rejects a bad type or value naming the field', () => {
    expect(() => convert([{ ...base, binaryAnnotations: [{ key: 'x', type: 'I32', value: 'nope' }] }])).toThrow("span[0].binaryAnnotations[0].value: expected an integer for type I32, got 'nope'")
    expect(() => convert([{ ...base, binaryAnnotations: [{ key: 'x', type: 'FLOAT', value: 1 }] }])).toThrow('span[0].binaryAnnotations[0].type')
    expect(() => convert([{ ...base, id: 'zz' }])).toThrow("span[0].id: expected up to 16 hex characters, not all zero, got 'zz'")
  })
})
