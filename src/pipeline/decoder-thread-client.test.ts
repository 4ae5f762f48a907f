import { afterEach, describe, expect, it } from 'vitest'
import { InvalidInputError } from '../errors.js'
import { type EncodedSpans, lineText, spanCount } from '../model/encoded-spans.js'
import { decodeSpan } from '../model/span-codec.js'
import { DecoderThreadClient } from './decoder-thread-client.js'

/** A Zipkin JSON v2 body of one span, padded with spaces to at least `bytes`. */
function body(span: Record<string, unknown>, bytes = 0): Buffer {
  return Buffer.from(JSON.stringify([span]).padEnd(bytes, ' '))
}

function decodeAll(spans: EncodedSpans) {
  return Array.from({ length: spanCount(spans) }, (_, i) => decodeSpan(lineText(spans, i)))
}

const SPAN = { traceId: 'a'.repeat(32), id: 'b'.repeat(16), name: 'get', timestamp: 10, duration: 5, localEndpoint: {}, tags: { long: 'abcdefgh' } }

// Small bodies are decoded on the calling thread, large ones on the decoding thread: both ways.
describe.each([
  ['a small body', 0],
  ['a large body', 64 * 1024],
])('decoding %s', (_name, bytes) => {
  const decoder = new DecoderThreadClient({ maxTagValueLength: 5 })
  afterEach(() => decoder.close())

  it('gives sanitized, encoded spans', async () => {
    const [span, ...rest] = decodeAll(await decoder.decode('zipkin-v2-json', body(SPAN, bytes)))
    expect(rest).toEqual([])
    expect(span).toMatchObject({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), operationName: 'get', process: { serviceName: 'empty-service-name' } })
    expect(span!.tags).toContainEqual({ key: 'long', type: 'string', value: 'abcde' })
  })

  it('refuses a malformed body with what is wrong, and keeps decoding after it', async () => {
    const refused = decoder.decode('zipkin-v2-json', body({ traceId: 7 }, bytes))
    await expect(refused).rejects.toBeInstanceOf(InvalidInputError)
    await expect(refused).rejects.toThrow(/traceId/)
    expect(spanCount(await decoder.decode('zipkin-v2-json', body(SPAN, bytes)))).toBe(1)
  })
})

describe('the decoding thread', () => {
  it('stops after a while without bodies, and starts again for the next large one', async () => {
    const decoder = new DecoderThreadClient({ maxTagValueLength: 5 }, 300)
    try {
      expect(spanCount(await decoder.decode('zipkin-v2-json', body(SPAN, 64 * 1024)))).toBe(1)
      expect(decoder.threadRunning).toBe(true)
      await expect.poll(() => decoder.threadRunning, { timeout: 5_000 }).toBe(false)
      expect(spanCount(await decoder.decode('zipkin-v2-json', body(SPAN, 64 * 1024)))).toBe(1)
      expect(decoder.threadRunning).toBe(true)
    } finally {
      await decoder.close()
    }
  })
})
