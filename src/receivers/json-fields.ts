/**
 * Field readers for hand-validated JSON span bodies: each returns the typed value or throws
 * InvalidInputError naming the field path, so decoders validate inside their one loop.
 */
import { InvalidInputError } from '../errors.js'

export type JsonObject = Record<string, unknown>

export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'string') return `'${value.length > 64 ? `${value.slice(0, 64)}...` : value}'`
  if (typeof value === 'object') return 'an object'
  return String(value)
}

export function invalid(path: string, expected: string, value: unknown): InvalidInputError {
  return new InvalidInputError(`${path}: expected ${expected}, got ${describe(value)}`)
}

export function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'))
  } catch (error) {
    throw new InvalidInputError(`the body is not valid JSON (${(error as Error).message}); expected ${what}`)
  }
}

export function asObject(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(path, 'an object', value)
  return value as JsonObject
}

export function asList(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(path, 'a list', value)
  return value
}

/** An optional list of objects (absent or null: empty), each read by `read` with its own path. */
export function optionalObjectList<T>(value: unknown, path: string, read: (json: JsonObject, path: string) => T): T[] {
  if (value === undefined || value === null) return []
  return asList(value, path).map((item, i) => read(asObject(item, `${path}[${i}]`), `${path}[${i}]`))
}

export function optionalString(object: JsonObject, key: string, path: string): string | undefined {
  const value = object[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw invalid(`${path}.${key}`, 'a string', value)
  return value
}

export function optionalBoolean(object: JsonObject, key: string, path: string): boolean | undefined {
  const value = object[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw invalid(`${path}.${key}`, 'true or false', value)
  return value
}

export function requiredString(object: JsonObject, key: string, path: string): string {
  const value = optionalString(object, key, path)
  if (value === undefined) throw new InvalidInputError(`${path}.${key} is missing`)
  return value
}

/** A non-negative integer; quoted digits are accepted, as Zipkin's own reader does. */
export function optionalInteger(object: JsonObject, key: string, path: string): number | undefined {
  const value = object[key]
  if (value === undefined || value === null) return undefined
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) {
    throw invalid(`${path}.${key}`, 'a non-negative integer', value)
  }
  return number
}

export function requiredInteger(object: JsonObject, key: string, path: string): number {
  const value = optionalInteger(object, key, path)
  if (value === undefined) throw new InvalidInputError(`${path}.${key} is missing`)
  return value
}
