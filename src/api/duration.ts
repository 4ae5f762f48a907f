import { InvalidInputError } from '../errors.js'

const UNIT_US: Record<string, number> = { ns: 0.001, us: 1, µs: 1, μs: 1, ms: 1_000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 }
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y

/** Parses a Go duration string (`1.5ms`, `2s`, `1h30m`, `4500ns`) into microseconds. */
export function parseDurationUs(text: string, name: string): number {
  const sign = text.startsWith('-') ? -1 : 1
  const body = text.replace(/^[-+]/, '')
  if (body === '0') return 0
  let total = 0
  PART.lastIndex = 0
  let position = 0
  while (position < body.length) {
    PART.lastIndex = position
    const match = PART.exec(body)
    if (!match) break
    total += Number(match[1]) * UNIT_US[match[2]!]!
    position = PART.lastIndex
  }
  if (body.length === 0 || position !== body.length) {
    throw new InvalidInputError(`parameter '${name}': '${text}' is not a duration; use a number with a unit such as 1.5ms, 200us or 2s`)
  }
  return sign * total
}
