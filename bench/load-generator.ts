/**
 * One load-generator process: encodes its own spans before the clock starts, then sends them
 * at a fixed concurrency (optionally paced to a rate) until its time is up or it is told to
 * stop, and reports what was acknowledged and how fast.
 * HTTP formats are POSTed over bench/http-connection.ts, Jaeger gRPC goes through a @grpc/grpc-js client.
 * Run by bench/run.ts through child_process.fork.
 */
import * as grpc from '@grpc/grpc-js'
import { JaegerGrpcClient } from '../test/helpers/jaeger-grpc-client.js'
import { HttpConnection } from './http-connection.js'
import { batches, batchesPerService } from './traffic.js'
import { type EncodedBody, type Format, encodeBatch, formatTarget } from './formats.js'

interface StartMessage {
  /** An HTTP URL for HTTP formats, host:port for gRPC. */
  url: string
  format: Format
  seed: number
  batchSize: number
  spans: number
  concurrency: number
  durationMs: number
  /** Sent before the measured time: acknowledged spans are counted apart, latencies not kept. */
  warmUpMs?: number
  /** Paces the sends of all connections together to this many spans/s; unpaced when absent. */
  spansPerSecond?: number
  /** Sends a refused body again after the server's Retry-After, as a client that keeps its spans does, so overload stays sustained. */
  retryRefused?: boolean
}

export interface LoadReport {
  /** In the measured time, after the warm-up. */
  acknowledgedSpans: number
  /** Acknowledged in answer to requests sent during the warm-up. */
  warmUpSpans: number
  refusedRequests: number
  failedRequests: number
  latenciesMs: number[]
  elapsedMs: number
}

type Outcome = 'acknowledged' | 'refused' | 'failed'

/** Sends one body; 503 and RESOURCE_EXHAUSTED are the server's bounded queue refusing work. */
function sender(message: StartMessage): { send(body: EncodedBody): Promise<Outcome>; close(): void } {
  const { transport } = formatTarget(message.format)
  if ('grpc' in transport) {
    const client = new JaegerGrpcClient(message.url, 'CollectorService')
    return {
      send: (body) =>
        client.unaryBytes(transport.grpc, body.bytes).then(
          () => 'acknowledged',
          (error: { code?: number }) => (error.code === grpc.status.RESOURCE_EXHAUSTED ? 'refused' : 'failed'),
        ),
      close: () => client.close(),
    }
  }
  // A connection per request in flight, each used by one request at a time.
  const url = new URL(`${message.url}${transport.http}`)
  const connections: HttpConnection[] = []
  const idle: HttpConnection[] = []
  const open = () => {
    const connection = new HttpConnection(url)
    connections.push(connection)
    return connection
  }
  return {
    async send(body) {
      const connection = idle.pop() ?? open()
      try {
        const status = await connection.post(body.contentType, body.bytes)
        return status === 202 || status === 200 ? 'acknowledged' : status === 503 ? 'refused' : 'failed'
      } catch {
        return 'failed'
      } finally {
        idle.push(connection)
      }
    },
    close: () => connections.forEach((connection) => connection.close()),
  }
}

process.once('message', async (message: StartMessage) => {
  const startUs = Date.now() * 1000 - 600_000_000
  const group = formatTarget(message.format).perService ? batchesPerService : batches
  const bodies = group(message.seed, startUs, message.batchSize, message.spans).map((batch) => ({ body: encodeBatch(message.format, batch), spans: batch.length }))
  const { send, close } = sender(message)
  process.send!({ ready: true })
  await new Promise((resolve) => process.once('message', resolve))

  const report: LoadReport = { acknowledgedSpans: 0, warmUpSpans: 0, refusedRequests: 0, failedRequests: 0, latenciesMs: [], elapsedMs: 0 }
  const started = performance.now()
  const measuredFrom = started + (message.warmUpMs ?? 0)
  let deadline = measuredFrom + message.durationMs
  process.on('message', (m: { stop?: boolean }) => {
    if (m.stop) deadline = Math.min(deadline, performance.now())
  })
  // One schedule shared by all connections; time lost behind schedule is not made up in a burst.
  let nextSendAt = started
  const pace = async (spans: number) => {
    if (message.spansPerSecond === undefined) return
    const at = Math.max(nextSendAt, performance.now())
    nextSendAt = at + (1000 * spans) / message.spansPerSecond
    await new Promise((resolve) => setTimeout(resolve, at - performance.now()))
  }
  let next = 0
  const worker = async () => {
    while (performance.now() < deadline && next < bodies.length) {
      const { body, spans } = bodies[next++]!
      await pace(spans)
      let outcome: Outcome = 'refused'
      while (outcome === 'refused' && performance.now() < deadline) {
        const sent = performance.now()
        outcome = await send(body)
        if (outcome === 'acknowledged' && sent < measuredFrom) report.warmUpSpans += spans
        else if (outcome === 'acknowledged') {
          report.acknowledgedSpans += spans
          report.latenciesMs.push(performance.now() - sent)
        } else if (outcome === 'refused') report.refusedRequests++
        else report.failedRequests++
        if (!message.retryRefused) break
        // As clients that keep their spans do: after the server's Retry-After (1 s), not at once.
        if (outcome === 'refused') await new Promise((resolve) => setTimeout(resolve, 1000))
      }
    }
  }
  await Promise.all(Array.from({ length: message.concurrency }, worker))
  report.elapsedMs = performance.now() - measuredFrom
  close()
  if (next >= bodies.length) process.stderr.write('load generator ran out of pre-encoded spans before the time was up; raise the span budget\n')
  // Disconnecting before the report is written out would lose it.
  process.send!({ report }, () => process.disconnect())
})
