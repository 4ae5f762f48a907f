import { describe, expect, it } from 'vitest'
import { parseDurationUs } from './duration.js'

describe('parseDurationUs', () => {
  it.each([
    ['1.5ms', 1500],
    ['2s', 2_000_000],
    ['4500ns', 4.5],
    ['4.5us', 4.5],
    ['10µs', 10],
    ['1h30m', 5_400_000_000],
    ['0', 0],
    ['.5s', 500_000],
  ])('%s is %d µs', (text, us) => expect(parseDurationUs(text, 'minDuration')).toBe(us))

  it.each(['', '5', 'ms', '1.5 ms', '1d', 'fast', '1ms2'])('rejects %j naming the parameter', (text) => {
    expect(() => parseDurationUs(text, 'maxDuration')).toThrow(/parameter 'maxDuration'/)
  })
})
