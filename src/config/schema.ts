import { z } from 'zod'

const listener = (port: number, what: string) =>
  z
    .object({
      host: z.string().min(1).default('0.0.0.0').describe(`address the ${what} listens on`),
      port: z.coerce.number().int().min(0).max(65535).default(port).describe(`port of the ${what} (0 picks a free one)`),
    })
    .strict()
    .prefault({})

/** Everything spanlite can be told, with its defaults; the only description of the config. */
export const configSchema = z
  .object({
    zipkin: listener(9411, 'Zipkin HTTP API (ingest and query)'),
    query: listener(16686, 'Jaeger query HTTP API'),
    admin: listener(14269, 'admin HTTP API (health, metrics)'),
    jaegerGrpc: listener(14250, 'Jaeger gRPC collector (CollectorService/PostSpans)'),
    jaegerHttp: listener(14268, 'Jaeger Thrift HTTP collector (POST /api/traces)'),
    queryGrpc: listener(16685, 'Jaeger gRPC query API (QueryService)'),
    storage: z
      .object({
        path: z.string().min(1).default('./data/spanlite.db').describe('SQLite database file (created with its folder)'),
      })
      .strict()
      .prefault({}),
    ingest: z
      .object({
        maxBodyBytes: z.coerce.number().int().positive().default(16 * 1024 * 1024).describe('largest request body, also after gzip inflation (413 beyond)'),
        maxSpansPerRequest: z.coerce.number().int().positive().default(20_000).describe('most spans in one request (413 beyond)'),
        maxTagValueLength: z.coerce.number().int().positive().default(64 * 1024).describe('longer tag and log field values are truncated, with a span warning'),
      })
      .strict()
      .prefault({}),
    pipeline: z
      .object({
        queueCapacitySpans: z.coerce.number().int().positive().default(10_000).describe('spans waiting for a commit before new requests get 503'),
        queueCapacityBytes: z.coerce.number().int().positive().default(16 * 1024 * 1024).describe('request bytes waiting for a commit before new requests get 503'),
        batchMaxSpans: z.coerce.number().int().positive().default(2_000).describe('most spans committed in one transaction'),
      })
      .strict()
      .prefault({}),
    retention: z
      .object({
        maxAgeHours: z.coerce.number().positive().default(168).describe('spans that started longer ago are deleted'),
        maxDatabaseBytes: z.coerce.number().int().min(0).default(0).describe('when the data outgrows this, the oldest spans are deleted (0: no cap)'),
        purgeIntervalMs: z.coerce.number().int().positive().default(60_000).describe('how often retention runs'),
        purgeBatchSpans: z.coerce.number().int().positive().default(2_000).describe('spans deleted per step, so ingest never waits long'),
      })
      .strict()
      .prefault({}),
    autocomplete: z
      .object({
        keys: z
          .union([z.string(), z.array(z.string())])
          .default('')
          .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((key) => key.trim()).filter((key) => key !== ''))
          .describe('comma-separated tag keys whose values the Zipkin API offers for autocompletion (Zipkin AUTOCOMPLETE_KEYS)'),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('log level'),
      })
      .strict()
      .prefault({}),
  })
  .strict()

export type Config = z.infer<typeof configSchema>
/** What may be given: every field optional, values as strings or numbers. */
export type ConfigInput = z.input<typeof configSchema>
