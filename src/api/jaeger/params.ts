/** Query parameters of the Jaeger HTTP API, validated into typed queries. */
import { z } from 'zod'
import { InvalidInputError } from '../../errors.js'
import { normalizeTraceId } from '../../model/ids.js'
import type { SpanKind, TraceId } from '../../model/span.js'
import type { DependencyQuery, OperationQuery, TagCondition, TraceQuery } from '../../storage/storage.js'
import { parseDurationUs } from '../duration.js'

/** Traces a search returns when the client does not say. */
export const DEFAULT_LIMIT = 100
const DEFAULT_LOOKBACK_US = 3_600_000_000

const repeated = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]))
const single = (name: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value, ctx) => {
      if (!Array.isArray(value)) return value === '' ? undefined : value
      ctx.addIssue({ code: 'custom', message: `parameter '${name}' is given more than once` })
      return z.NEVER
    })
const microseconds = (name: string) =>
  single(name).transform((value, ctx) => {
    if (value === undefined) return undefined
    if (!/^\d+$/.test(value)) {
      ctx.addIssue({ code: 'custom', message: `parameter '${name}' must be microseconds since the epoch, got '${value}'` })
      return z.NEVER
    }
    return Number(value)
  })

const findTracesParams = z.object({
  service: single('service'),
  operation: single('operation'),
  tags: repeated,
  tag: repeated,
  start: microseconds('start'),
  end: microseconds('end'),
  lookback: single('lookback'),
  minDuration: single('minDuration'),
  maxDuration: single('maxDuration'),
  limit: single('limit'),
  traceID: repeated,
})

export type FindTracesRequest = { traceIds: TraceId[] } | { query: TraceQuery }

/**
 * `GET /api/traces`: either explicit `traceID`s or a search. Throws InvalidInputError naming
 * the parameter that is wrong.
 */
export function parseFindTracesQuery(raw: unknown, nowUs: number): FindTracesRequest {
  const params = parseWith(findTracesParams, raw)
  if (params.traceID.length > 0) return { traceIds: params.traceID.map(parseTraceId) }
  if (params.service === undefined) throw new InvalidInputError("parameter 'service' is required")

  const endUs = params.end ?? nowUs
  const lookbackUs = params.lookback === undefined || params.lookback === 'custom' ? DEFAULT_LOOKBACK_US : parseDurationUs(params.lookback, 'lookback')
  const query: TraceQuery = {
    serviceName: params.service,
    tags: [...parseTagsJson(params.tags), ...params.tag.map(parseTagPair)],
    startTimeMinUs: params.start ?? endUs - lookbackUs,
    startTimeMaxUs: endUs,
    limit: parseLimit(params.limit),
  }
  if (params.operation !== undefined) query.operationName = params.operation
  if (params.minDuration !== undefined) query.durationMinUs = parseDurationUs(params.minDuration, 'minDuration')
  if (params.maxDuration !== undefined) query.durationMaxUs = parseDurationUs(params.maxDuration, 'maxDuration')
  if (query.durationMinUs !== undefined && query.durationMaxUs !== undefined && query.durationMaxUs < query.durationMinUs) {
    throw new InvalidInputError("'maxDuration' should be greater than 'minDuration'")
  }
  if (query.startTimeMinUs! > query.startTimeMaxUs!) throw new InvalidInputError("'start' should be before 'end'")
  return { query }
}

const operationsParams = z.object({ service: single('service'), spanKind: single('spanKind') })
export const SPAN_KINDS: ReadonlySet<string> = new Set(['client', 'server', 'producer', 'consumer', 'internal'])

/** `GET /api/operations?service=&spanKind=`. */
export function parseOperationsQuery(raw: unknown): OperationQuery {
  const params = parseWith(operationsParams, raw)
  if (params.service === undefined) throw new InvalidInputError("parameter 'service' is required")
  const query: OperationQuery = { serviceName: params.service }
  if (params.spanKind !== undefined) {
    if (!SPAN_KINDS.has(params.spanKind)) {
      throw new InvalidInputError(`parameter 'spanKind': '${params.spanKind}' is not one of client, server, producer, consumer, internal`)
    }
    query.spanKind = params.spanKind as SpanKind
  }
  return query
}

const dependenciesParams = z.object({ endTs: single('endTs'), lookback: single('lookback') })
const DEFAULT_DEPENDENCY_LOOKBACK_MS = 24 * 3_600_000

/** `GET /api/dependencies?endTs=&lookback=`, both in milliseconds; endTs defaults to now, lookback to a day. */
export function parseDependenciesQuery(raw: unknown, nowUs: number): DependencyQuery {
  const params = parseWith(dependenciesParams, raw)
  const milliseconds = (name: string, text: string) => {
    if (!/^\d+$/.test(text)) throw new InvalidInputError(`parameter '${name}' must be milliseconds (a non-negative integer), got '${text}'`)
    return Number(text) * 1000
  }
  return {
    endTimeUs: params.endTs === undefined ? nowUs : milliseconds('endTs', params.endTs),
    lookbackUs: params.lookback === undefined ? DEFAULT_DEPENDENCY_LOOKBACK_MS * 1000 : milliseconds('lookback', params.lookback),
  }
}

export function parseTraceId(text: string): TraceId {
  const id = normalizeTraceId(text)
  if (!id) throw new InvalidInputError(`'${text}' is not a trace id; expected up to 32 hex characters`)
  return id
}

function parseWith<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw)
  if (!parsed.success) throw new InvalidInputError(parsed.error.issues.map((issue) => issue.message).join('; '))
  return parsed.data
}

function parseLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIMIT
  if (!/^\d+$/.test(text)) throw new InvalidInputError(`parameter 'limit' must be a non-negative integer, got '${text}'`)
  const limit = Number(text)
  return limit === 0 ? DEFAULT_LIMIT : limit
}

/** `tags={"key":"value",...}`: values must be strings, as the Jaeger API requires. */
function parseTagsJson(values: string[]): TagCondition[] {
  return values.flatMap((text) => {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      throw new InvalidInputError(`malformed 'tags' parameter: '${text}' is not a JSON object`)
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new InvalidInputError(`malformed 'tags' parameter: expected a JSON object of strings, got '${text}'`)
    }
    return Object.entries(parsed).map(([key, value]) => {
      if (typeof value !== 'string') {
        throw new InvalidInputError(`malformed 'tags' parameter: the value of '${key}' must be a string, got ${JSON.stringify(value)}`)
      }
      return { key, value }
    })
  })
}

/** `tag=key:value`, split at the first colon. */
function parseTagPair(text: string): TagCondition {
  const colon = text.indexOf(':')
  if (colon <= 0) throw new InvalidInputError(`malformed 'tag' parameter: expected key:value, got '${text}'`)
  return { key: text.slice(0, colon), value: text.slice(colon + 1) }
}
