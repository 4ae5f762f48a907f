import { describe, expect, it } from 'vitest'
import { toJsonText } from './json-text.js'

describe('toJsonText', () => {
  it('writes bigints as numbers with every digit, and non-finite floats as strings', () => {
    expect(toJsonText({ a: 5n, b: [-9223372036854775808n, 9223372036854775807n], c: 1.5, d: Number.NaN, e: undefined, f: null, g: 's"' })).toBe(
      '{"a":5,"b":[-9223372036854775808,9223372036854775807],"c":1.5,"d":"NaN","f":null,"g":"s\\""}',
    )
    expect(toJsonText({ small: 123n, inf: -Infinity, list: [undefined] })).toBe('{"small":123,"inf":"-Infinity","list":[null]}')
  })
})
