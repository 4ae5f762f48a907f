import { hexOf } from './ids.js'
import type { Tag } from './span.js'

/**
 * The string a tag value is matched by in trace searches (Jaeger's KeyValue.AsString):
 * booleans as true/false, integers in decimal, floats like Go's %g with 10 significant
 * digits, binary as lower-case hex.
 */
export function tagValueString(tag: Tag): string {
  switch (tag.type) {
    case 'string':
      return tag.value
    case 'bool':
    case 'int64':
      return String(tag.value)
    case 'float64':
      return formatFloatG10(tag.value)
    case 'binary':
      return hexOf(tag.value)
  }
}

/** Go's strconv.FormatFloat(v, 'g', 10, 64). */
export function formatFloatG10(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf'
  if (value === 0) return Object.is(value, -0) ? '-0' : '0'
  const [mantissa, exponentText] = value.toExponential(9).split('e') as [string, string]
  const exponent = Number(exponentText)
  if (exponent < -4 || exponent >= 10) {
    const digits = trimFraction(mantissa)
    const sign = exponent < 0 ? '-' : '+'
    return `${digits}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`
  }
  return trimFraction(value.toFixed(Math.max(0, 9 - exponent)))
}

function trimFraction(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text
}
