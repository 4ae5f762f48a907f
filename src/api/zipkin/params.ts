/** Query parameters of the Zipkin v2 API, validated into typed queries. */
import { z } from 'zod'
import { InvalidInputError } from '../../errors.js'
import { normalizeTraceId } from '../../model/ids.js'
import type { TraceId } from '../../model/span.js'
import type { TagCondition, TraceQuery } from '../../storage/storage.js'

const DEFAULT_LIMIT = 10
const DEFAULT_LOOKBACK_MS = 86_400_000

const text = (name: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value, ctx) => {
      if (!Array.isArray(value)) return value === '' ? undefined : value
      ctx.addIssue({ code: 'custom', message: `${name} was given more than once` })
      return z.NEVER
    })
const integer = (name: string, what: string) =>
  text(name).transform((value, ctx) => {
    if (value === undefined) return undefined
    const number = /^\d+$/.test(value) ? Number(value) : Number.NaN
    if (!Number.isSafeInteger(number)) {
      ctx.addIssue({ code: 'custom', message: `${name} must be ${what}, got '${value}'` })
      return z.NEVER
    }
    return number
  })

function parseWith<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw)
  if (!parsed.success) throw new InvalidInputError(parsed.error.issues.map((issue) => issue.message).join('; '))
  return parsed.data
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new InvalidInputError(`${name} is required`)
  return value
}

const serviceParams = z.object({ serviceName: text('serviceName') })

/** `serviceName` of `/spans` and `/remoteServices`. */
export function parseServiceName(raw: unknown): string {
  return required(parseWith(serviceParams, raw).serviceName, 'serviceName')
}

const keyParams = z.object({ key: text('key') })

export function parseAutocompleteKey(raw: unknown): string {
  return required(parseWith(keyParams, raw).key, 'key')
}

export function parseTraceId(value: string): TraceId {
  const id = normalizeTraceId(value)
  if (!id) throw new InvalidInputError(`${value} should be a 1 to 32 character hex string`)
  return id
}

const traceManyParams = z.object({ traceIds: text('traceIds') })

/** `traceIds=a,b,c`. */
export function parseTraceIds(raw: unknown): TraceId[] {
  const list = required(parseWith(traceManyParams, raw).traceIds, 'traceIds')
  const ids = list
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '')
  if (ids.length === 0) throw new InvalidInputError('traceIds parameter is empty')
  return [...new Set(ids.map(parseTraceId))]
}

const windowShape = {
  endTs: integer('endTs', 'epoch milliseconds'),
  lookback: integer('lookback', 'milliseconds'),
}

export interface Window {
  startTimeMinUs: number
  startTimeMaxUs: number
}

function toWindow(endTs: number | undefined, lookback: number | undefined, nowMs: number): Window {
  const endMs = endTs ?? nowMs
  const startMs = Math.max(0, endMs - (lookback ?? DEFAULT_LOOKBACK_MS))
  return { startTimeMinUs: startMs * 1000, startTimeMaxUs: endMs * 1000 }
}

const dependencyParams = z.object(windowShape)

/** `/dependencies?endTs=&lookback=`: endTs is required, as in Zipkin. */
export function parseDependenciesQuery(raw: unknown): Window {
  const params = parseWith(dependencyParams, raw)
  return toWindow(required(params.endTs, 'endTs'), params.lookback, 0)
}

const tracesParams = z.object({
  serviceName: text('serviceName'),
  remoteServiceName: text('remoteServiceName'),
  spanName: text('spanName'),
  annotationQuery: text('annotationQuery'),
  minDuration: integer('minDuration', 'microseconds'),
  maxDuration: integer('maxDuration', 'microseconds'),
  limit: integer('limit', 'a positive integer'),
  ...windowShape,
})

/** `/traces`: every parameter optional; `spanName=all` means any name, as in Zipkin. */
export function parseTracesQuery(raw: unknown, nowMs: number): TraceQuery {
  const params = parseWith(tracesParams, raw)
  if (params.limit === 0) throw new InvalidInputError('limit must be greater than 0')
  if (params.minDuration !== undefined && params.maxDuration !== undefined && params.maxDuration < params.minDuration) {
    throw new InvalidInputError('maxDuration should be >= minDuration')
  }
  const { tags, keys } = parseAnnotationQuery(params.annotationQuery)
  const query: TraceQuery = {
    tags,
    ...toWindow(params.endTs, params.lookback, nowMs),
    limit: params.limit ?? DEFAULT_LIMIT,
    conditionsAcrossSpans: true,
  }
  if (keys.length > 0) query.tagKeysOrAnnotations = keys
  if (params.serviceName !== undefined) query.serviceName = params.serviceName
  if (params.remoteServiceName !== undefined) query.remoteServiceName = params.remoteServiceName
  if (params.spanName !== undefined && params.spanName !== 'all') query.operationName = params.spanName
  if (params.minDuration !== undefined) query.durationMinUs = params.minDuration
  if (params.maxDuration !== undefined) query.durationMaxUs = params.maxDuration
  return query
}

/**
 * Zipkin's `annotationQuery`: terms joined by ` and `; `key=value` matches a tag exactly, a bare
 * `key` matches a tag key or an annotation value.
 */
export function parseAnnotationQuery(text: string | undefined): { tags: TagCondition[]; keys: string[] } {
  const tags: TagCondition[] = []
  const keys: string[] = []
  if (text === undefined) return { tags, keys }
  for (const term of text.split(' and ')) {
    const trimmed = term.trim()
    if (trimmed === '') continue
    const equals = trimmed.indexOf('=')
    if (equals < 0 || equals === trimmed.length - 1) {
      keys.push(equals < 0 ? trimmed : trimmed.slice(0, -1))
    } else if (equals === 0) {
      throw new InvalidInputError(`annotationQuery term '${trimmed}' has no key`)
    } else {
      tags.push({ key: trimmed.slice(0, equals), value: trimmed.slice(equals + 1) })
    }
  }
  return { tags, keys }
}
