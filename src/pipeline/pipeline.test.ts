import { describe, expect, it } from 'vitest'
import { type EncodedSpans, spanCount } from '../model/encoded-spans.js'
import type { SpanWriter } from '../storage/storage.js'
import { DecoderThreadClient } from './decoder-thread-client.js'
import { Pipeline } from './pipeline.js'

/** A writer whose commits the test completes one at a time, in order, as a real one would. */
class StepWriter implements SpanWriter {
  readonly handed: number[] = []
  private readonly commits: (() => void)[] = []

  writeEncoded(requests: readonly EncodedSpans[]): Promise<void> {
    this.handed.push(requests.reduce((sum, spans) => sum + spanCount(spans), 0))
    return new Promise((resolve) => this.commits.push(resolve))
  }

  commitNext(): void {
    this.commits.shift()!()
  }
}

function body(spanIds: number[]): Buffer {
  return Buffer.from(JSON.stringify(spanIds.map((id) => ({ traceId: 'a'.repeat(32), id: id.toString(16).padStart(16, '0'), name: 'get', timestamp: 10, duration: 5 }))))
}

/** A few turns of the event loop: bodies decoded, queued, and the batch taken. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve))
}
const ORIGIN = { transport: 'http' as const, format: 'zipkin-v2-json', bytes: 100 }

describe('pipeline', () => {
  it('keeps the next batch waiting at the writer while one commits, and acknowledges each after its commit', async () => {
    const writer = new StepWriter()
    const pipeline = new Pipeline({ queueCapacitySpans: 1000, queueCapacityBytes: 1e6, batchMaxSpans: 100, maxSpansPerRequest: 100, maxTagValueLength: 100 }, writer, new DecoderThreadClient({ maxTagValueLength: 100 }))
    const acknowledged: string[] = []
    const accept = (name: string, ids: number[]) => pipeline.acceptBody('zipkin-v2-json', body(ids), ORIGIN).then(() => acknowledged.push(name))

    const first = [accept('a', [1, 2]), accept('b', [3])]
    await settle()
    expect(writer.handed).toEqual([3])
    // Arriving while the first batch commits, these go to the writer at once, as the second.
    const second = [accept('c', [4]), accept('d', [5, 6])]
    await settle()
    expect(writer.handed).toEqual([3, 3])
    // With two batches at the writer, the next waits for the first commit.
    const third = accept('e', [7])
    await settle()
    expect(writer.handed).toEqual([3, 3])
    expect(pipeline.queueLength).toBe(7)

    writer.commitNext()
    await Promise.all(first)
    expect(acknowledged).toEqual(['a', 'b'])
    expect(writer.handed).toEqual([3, 3, 1])

    const closed = pipeline.close()
    writer.commitNext()
    await Promise.all(second)
    expect(acknowledged).toEqual(['a', 'b', 'c', 'd'])
    // Closing waits for every batch handed over.
    writer.commitNext()
    await Promise.all([third, closed])
    expect(acknowledged).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(pipeline.queueLength).toBe(0)
  })
})
