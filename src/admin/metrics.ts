/** spanlite's Prometheus metrics, one registry per running app. */
import { status as GrpcStatus } from '@grpc/grpc-js'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { IngestObserver } from '../pipeline/pipeline.js'
import type { SpanOrigin } from '../receivers/span-sink.js'
import type { PurgeReason, RetentionObserver } from '../retention/retention.js'
import type { GrpcCallObserver } from '../server/grpc-server.js'

export interface MetricSources {
  queueLength(): number
  queueCapacity(): number
  sizes(): Promise<{ usedBytes: number; fileBytes: number }>
}

export class Metrics implements IngestObserver, RetentionObserver, GrpcCallObserver {
  readonly registry = new Registry()
  private readonly received
  private readonly saved
  private readonly rejected
  private readonly requests
  private readonly grpcRequests
  private readonly commitSeconds
  private readonly purged

  constructor() {
    const registers = [this.registry]
    // The process's own: resident memory, heap, event loop lag, CPU.
    collectDefaultMetrics({ register: this.registry })
    const labels = ['transport', 'format'] as const
    this.received = new Counter({ name: 'spanlite_spans_received_total', help: 'Spans received, by transport and format', labelNames: labels, registers })
    this.saved = new Counter({ name: 'spanlite_spans_saved_total', help: 'Spans committed to storage', labelNames: labels, registers })
    this.rejected = new Counter({
      name: 'spanlite_spans_rejected_total',
      help: 'Spans refused after decoding (busy, too large, shutting down, storage error)',
      labelNames: [...labels, 'reason'],
      registers,
    })
    this.requests = new Counter({ name: 'spanlite_http_requests_total', help: 'HTTP requests answered, by listener and status', labelNames: ['listener', 'status'], registers })
    this.grpcRequests = new Counter({
      name: 'spanlite_grpc_requests_total',
      help: 'gRPC calls answered, by service, method and status code',
      labelNames: ['service', 'method', 'code'],
      registers,
    })
    this.commitSeconds = new Histogram({
      name: 'spanlite_batch_commit_seconds',
      help: 'Time to commit one batch of spans',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    })
    this.purged = new Counter({ name: 'spanlite_retention_purged_spans_total', help: 'Spans deleted by retention', labelNames: ['reason'], registers })
  }

  /** Gauges read their values when scraped. */
  observe(sources: MetricSources): void {
    const registers = [this.registry]
    new Gauge({ name: 'spanlite_queue_length_spans', help: 'Spans waiting for a commit', registers, collect() { this.set(sources.queueLength()) } })
    new Gauge({ name: 'spanlite_queue_capacity_spans', help: 'Spans the queue holds before refusing requests', registers, collect() { this.set(sources.queueCapacity()) } })
    new Gauge({
      name: 'spanlite_database_bytes',
      help: 'Database size: files on disk, and bytes in use',
      labelNames: ['kind'],
      registers,
      async collect() {
        const sizes = await sources.sizes()
        this.set({ kind: 'file' }, sizes.fileBytes)
        this.set({ kind: 'used' }, sizes.usedBytes)
      },
    })
  }

  spansReceived(origin: SpanOrigin, count: number): void {
    this.received.inc({ transport: origin.transport, format: origin.format }, count)
  }

  spansSaved(origin: SpanOrigin, count: number): void {
    this.saved.inc({ transport: origin.transport, format: origin.format }, count)
  }

  spansRejected(origin: SpanOrigin, count: number, reason: string): void {
    this.rejected.inc({ transport: origin.transport, format: origin.format, reason }, count)
  }

  batchCommitted(seconds: number): void {
    this.commitSeconds.observe(seconds)
  }

  httpRequest(listener: string, status: number): void {
    this.requests.inc({ listener, status: String(status) })
  }

  grpcCall(service: string, method: string, code: GrpcStatus): void {
    this.grpcRequests.inc({ service, method, code: GrpcStatus[code] ?? String(code) })
  }

  spansPurged(count: number, reason: PurgeReason): void {
    this.purged.inc({ reason }, count)
  }
}
