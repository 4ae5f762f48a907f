/**
 * One load-generator process: encodes its own spans before the clock starts, then posts them
 * at a fixed concurrency until told to stop, and reports what was acknowledged and how fast.
 * Run by bench/run.ts through child_process.fork.
 */
import { batches } from './traffic.js'
import { type Format, encodeBatch } from './formats.js'

interface StartMessage {
  url: string
  format: Format
  seed: number
  batchSize: number
  spans: number
  concurrency: number
  durationMs: number
}

export interface LoadReport {
  acknowledgedSpans: number
  refusedRequests: number
  failedRequests: number
  latenciesMs: number[]
  elapsedMs: number
}

process.once('message', async (message: StartMessage) => {
  const startUs = Date.now() * 1000 - 600_000_000
  const bodies = batches(message.seed, startUs, message.batchSize, message.spans).map((batch) => ({ body: encodeBatch(message.format, batch), spans: batch.length }))
  process.send!({ ready: true })
  await new Promise((resolve) => process.once('message', resolve))

  const report: LoadReport = { acknowledgedSpans: 0, refusedRequests: 0, failedRequests: 0, latenciesMs: [], elapsedMs: 0 }
  const started = performance.now()
  const deadline = started + message.durationMs
  let next = 0
  const worker = async () => {
    while (performance.now() < deadline && next < bodies.length) {
      const { body, spans } = bodies[next++]!
      const sent = performance.now()
      try {
        const response = await fetch(message.url, { method: 'POST', headers: { 'content-type': body.contentType }, body: body.bytes })
        await response.arrayBuffer()
        if (response.status === 202 || response.status === 200) {
          report.acknowledgedSpans += spans
          report.latenciesMs.push(performance.now() - sent)
        } else if (response.status === 503) report.refusedRequests++
        else report.failedRequests++
      } catch {
        report.failedRequests++
      }
    }
  }
  await Promise.all(Array.from({ length: message.concurrency }, worker))
  report.elapsedMs = performance.now() - started
  if (next >= bodies.length) process.stderr.write('load generator ran out of pre-encoded spans before the time was up; raise the span budget\n')
  process.send!({ report })
  process.disconnect()
})
