/**
 * JSON.stringify for API answers that also writes bigint as a JSON number, so 64-bit
 * integers keep every digit. Non-finite floats, which JSON cannot hold, become strings.
 */
export function toJsonText(value: unknown): string {
  const parts: string[] = []
  write(value, parts)
  return parts.join('')
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
