import { describe, expect, it } from 'vitest'
import { formatFloatG10, tagValueString } from './tag-string.js'

describe('tagValueString', () => {
  it('spells values as Jaeger matches them', () => {
    expect(tagValueString({ key: 'k', type: 'bool', value: true })).toBe('true')
    expect(tagValueString({ key: 'k', type: 'int64', value: -9223372036854775808n })).toBe('-9223372036854775808')
    expect(tagValueString({ key: 'k', type: 'float64', value: 72.5 })).toBe('72.5')
    expect(tagValueString({ key: 'k', type: 'binary', value: new Uint8Array([0, 0, 0x30, 0x39]) })).toBe('00003039')
    expect(tagValueString({ key: 'k', type: 'string', value: '%*' })).toBe('%*')
  })

  it.each([
    [72.5, '72.5'],
    [123, '123'],
    [0.1, '0.1'],
    [1234567890, '1234567890'],
    [12345678901, '1.23456789e+10'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1 / 3, '0.3333333333'],
    [-2.5e-7, '-2.5e-07'],
    [0, '0'],
  ])('formats %d like Go %%g with 10 digits: %s', (value, text) => expect(formatFloatG10(value)).toBe(text))
})
