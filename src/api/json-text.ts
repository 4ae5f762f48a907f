import { slices } from '../event-loop-slices.js'

/**
 * JSON.stringify for API answers that also writes bigint as a JSON number, so 64-bit
 * integers keep every digit. Non-finite floats, which JSON cannot hold, become strings.
 * An answer holding neither (a quick walk tells) goes to JSON.stringify as it is: a replacer
 * function would make it several times slower. Bigints within a double's exact range go
 * through the replacer; only beyond it (rare) is the slower writer below used.
 */
export function toJsonText(value: unknown): string {
  if (!needsReplacing(value)) return JSON.stringify(value)
  let exactNeeded = false
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') {
      if (isExactAsNumber(item)) return Number(item)
      exactNeeded = true
      return null
    }
    return typeof item === 'number' && !Number.isFinite(item) ? String(item) : item
  })
  if (!exactNeeded) return text
  const parts: string[] = []
  write(value, parts)
  return parts.join('')
}

function needsReplacing(value: unknown): boolean {
  if (typeof value === 'bigint') return true
  if (typeof value === 'number') return !Number.isFinite(value)
  if (typeof value !== 'object' || value === null) return false
  if (Array.isArray(value)) return value.some(needsReplacing)
  for (const key in value) if (needsReplacing((value as Record<string, unknown>)[key])) return true
  return false
}

/**
 * toJsonText as the UTF-8 bytes of an HTTP answer. Handed a string, Fastify walks it to measure
 * its length in bytes and Node encodes it again as it writes; for a search answer of several
 * hundred kilobytes those two walks cost more than encoding it once here.
 */
export function toJsonBody(value: unknown): Buffer {
  return Buffer.from(toJsonText(value))
}

/**
 * The JSON list of what `render` makes of each item, encoded an item at a time as the items
 * come: a search answer then never holds every trace's rendered objects at once, which made
 * the young generation's collections copy (and promote) most of them. An answer of many
 * traces is made in slices (about a millisecond a trace), other requests served between them.
 */
export async function toJsonListParts<T>(items: AsyncIterable<T>, render: (item: T) => unknown): Promise<Buffer[]> {
  const parts: Buffer[] = [Buffer.from('[')]
  const work = slices()
  for await (const item of items) {
    parts.push(toJsonBody(render(item)), Buffer.from(','))
    await work.next()
  }
  if (parts.length > 1) parts.pop()
  parts.push(Buffer.from(']'))
  return parts
}

const MIN_EXACT = BigInt(Number.MIN_SAFE_INTEGER)
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER)

/** A double holds this integer exactly. */
export function isExactAsNumber(value: bigint): boolean {
  return value >= MIN_EXACT && value <= MAX_EXACT
}

function write(value: unknown, out: string[]): void {
  switch (typeof value) {
    case 'bigint':
      out.push(value.toString())
      return
    case 'number':
      out.push(Number.isFinite(value) ? String(value) : JSON.stringify(String(value)))
      return
    case 'string':
    case 'boolean':
      out.push(JSON.stringify(value))
      return
    case 'object':
      if (value === null) {
        out.push('null')
      } else if (Array.isArray(value)) {
        out.push('[')
        value.forEach((item, i) => {
          if (i > 0) out.push(',')
          write(item === undefined ? null : item, out)
        })
        out.push(']')
      } else {
        out.push('{')
        let first = true
        for (const [key, item] of Object.entries(value)) {
          if (item === undefined) continue
          out.push(first ? '' : ',', JSON.stringify(key), ':')
          first = false
          write(item, out)
        }
        out.push('}')
      }
      return
    default:
      out.push('null')
  }
}
