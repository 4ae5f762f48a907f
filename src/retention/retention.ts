import type { Logger } from 'pino'
import type { SpanPurger } from '../storage/storage.js'

export interface RetentionOptions {
  maxAgeHours: number
  /** 0: no size cap. */
  maxDatabaseBytes: number
  purgeIntervalMs: number
  purgeBatchSpans: number
}

export type PurgeReason = 'age' | 'size'

export interface RetentionObserver {
  spansPurged(count: number, reason: PurgeReason): void
}

/**
 * Deletes spans older than the configured age, and the oldest spans while the data is over
 * the size cap, in small transactions with a turn of the event loop between them, so that
 * ingest and queries never wait long behind it.
 */
export class Retention {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private stopped = false

  constructor(
    private readonly options: RetentionOptions,
    private readonly purger: SpanPurger,
    private readonly log: Logger,
    private readonly observer?: RetentionObserver,
    private readonly nowMs: () => number = Date.now,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce(), this.options.purgeIntervalMs)
    this.timer.unref()
    void this.runOnce()
  }

  /** One pass: by age, then by size. A pass already under way is joined, not repeated. */
  runOnce(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined))
    return this.running
  }

  private async pass(): Promise<void> {
    try {
      const cutoffUs = (this.nowMs() - this.options.maxAgeHours * 3_600_000) * 1000
      const byAge = await this.purgeWhile(() => true, cutoffUs)
      if (byAge > 0) this.log.info({ spans: byAge, olderThanHours: this.options.maxAgeHours }, 'retention deleted old spans')
      this.observer?.spansPurged(byAge, 'age')
      const cap = this.options.maxDatabaseBytes
      if (cap === 0) return
      const bySize = await this.purgeWhile(async () => (await this.purger.sizes()).usedBytes > cap)
      if (bySize > 0) this.log.warn({ spans: bySize, maxDatabaseBytes: cap }, 'retention deleted the oldest spans to stay under the size cap')
      this.observer?.spansPurged(bySize, 'size')
    } catch (error) {
      this.log.error({ err: error }, 'retention failed; it runs again at the next interval')
    }
  }

  private async purgeWhile(condition: () => boolean | Promise<boolean>, beforeUs?: number): Promise<number> {
    let total = 0
    while (!this.stopped && (await condition())) {
      const deleted = await this.purger.purgeOldest({ maxSpans: this.options.purgeBatchSpans, ...(beforeUs === undefined ? {} : { beforeUs }) })
      total += deleted
      if (deleted < this.options.purgeBatchSpans) break
      await new Promise((resolve) => setImmediate(resolve))
    }
    return total
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    await this.running
  }
}
