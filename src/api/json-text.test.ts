import { describe, expect, it } from 'vitest'
import { toJsonBody, toJsonText } from './json-text.js'

describe('toJsonText', () => {
  it('writes bigints as numbers with every digit, and non-finite floats as strings', () => {
    expect(toJsonText({ a: 5n, b: [-9223372036854775808n, 9223372036854775807n], c: 1.5, d: Number.NaN, e: undefined, f: null, g: 's"' })).toBe(
      '{"a":5,"b":[-9223372036854775808,9223372036854775807],"c":1.5,"d":"NaN","f":null,"g":"s\\""}',
    )
    expect(toJsonText({ small: 123n, inf: -Infinity, list: [undefined] })).toBe('{"small":123,"inf":"-Infinity","list":[null]}')
  })
})

describe('toJsonBody', () => {
  it('is the UTF-8 bytes of the text, characters beyond ASCII included', () => {
    const body = toJsonBody({ name: 'żółw ✓', id: 9223372036854775807n })
    expect(body.toString('utf8')).toBe('{"name":"żółw ✓","id":9223372036854775807}')
    expect(body.length).toBe(Buffer.byteLength('{"name":"żółw ✓","id":9223372036854775807}'))
  })
})
