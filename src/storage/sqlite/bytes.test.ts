import { describe, expect, it } from 'vitest'
import { ByteReader, ByteWriter, varintLength } from './bytes.js'

describe('varints', () => {
  const values = [0, 1, 127, 128, 16_383, 16_384, 2 ** 21, 2 ** 35 + 3, Number.MAX_SAFE_INTEGER]

  it('read back as written, each in the bytes varintLength says', () => {
    for (const value of values) {
      const writer = new ByteWriter()
      writer.varint(value)
      expect(writer.size).toBe(varintLength(value))
      expect(new ByteReader(writer.toBuffer()).varint()).toBe(value)
    }
  })
})

describe('fixed-size words', () => {
  it('read back as written, cut to their low bits', () => {
    const writer = new ByteWriter()
    writer.byte(0x1ab)
    writer.uint16(0xbeef)
    writer.uint16(0x1_2345)
    writer.uint32(0xfedc_ba98)
    const reader = new ByteReader(writer.toBuffer())
    expect([reader.byte(), reader.uint16(), reader.uint16(), reader.uint32(), reader.done]).toEqual([0xab, 0xbeef, 0x2345, 0xfedc_ba98, true])
  })
})
