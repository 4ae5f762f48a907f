import { afterEach, describe, expect, it } from 'vitest'
import { InvalidInputError } from '../errors.js'
import { decodeSpan } from '../model/span-codec.js'
import { DecoderThreadClient } from './decoder-thread-client.js'

describe('decoding thread', () => {
  const decoder = new DecoderThreadClient({ maxTagValueLength: 5 })
  afterEach(() => decoder.close())

  it('turns a body into sanitized, encoded spans', async () => {
    const body = JSON.stringify([{ traceId: 'a'.repeat(32), id: 'b'.repeat(16), name: 'get', timestamp: 10, duration: 5, localEndpoint: {}, tags: { long: 'abcdefgh' } }])
    const [span, ...rest] = (await decoder.decode('zipkin-v2-json', Buffer.from(body))).map(decodeSpan)
    expect(rest).toEqual([])
    expect(span).toMatchObject({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), operationName: 'get', process: { serviceName: 'empty-service-name' } })
    expect(span!.tags).toContainEqual({ key: 'long', type: 'string', value: 'abcde' })
  })

  it('refuses a malformed body with what is wrong, and keeps decoding after it', async () => {
    const refused = decoder.decode('zipkin-v2-json', Buffer.from('[{"traceId": 7}]'))
    await expect(refused).rejects.toBeInstanceOf(InvalidInputError)
    await expect(refused).rejects.toThrow(/traceId/)
    await expect(decoder.decode('zipkin-v2-json', Buffer.from('[]'))).resolves.toEqual([])
  })
})
