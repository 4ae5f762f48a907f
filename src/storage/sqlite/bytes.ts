/**
 * Growable byte output and its reader, for the compact binary columns of the span store:
 * unsigned LEB128 varints (exact up to 2^53, so plain JS numbers), single bytes, fixed 16- and
 * 32-bit words and raw bytes.
 */
export class ByteWriter {
  private buffer = Buffer.allocUnsafe(256)
  private length = 0

  varint(value: number): void {
    this.reserve(8)
    let rest = value
    while (rest >= 0x80) {
      this.buffer[this.length++] = (rest % 0x80) | 0x80
      rest = Math.floor(rest / 0x80)
    }
    this.buffer[this.length++] = rest
  }

  byte(value: number): void {
    this.reserve(1)
    this.buffer[this.length++] = value & 0xff
  }

  uint16(value: number): void {
    this.reserve(2)
    this.buffer.writeUInt16LE(value & 0xffff, this.length)
    this.length += 2
  }

  uint32(value: number): void {
    this.reserve(4)
    this.buffer.writeUInt32LE(value >>> 0, this.length)
    this.length += 4
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length)
    this.buffer.set(data, this.length)
    this.length += data.length
  }

  get size(): number {
    return this.length
  }

  /** A copy of what was written. */
  toBuffer(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length))
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes))
    this.buffer.copy(grown, 0, 0, this.length)
    this.buffer = grown
  }
}

/** The bytes ByteWriter.varint takes for `value`. */
export function varintLength(value: number): number {
  let bytes = 1
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) bytes++
  return bytes
}

export class ByteReader {
  offset = 0

  constructor(private readonly data: Uint8Array) {}

  get done(): boolean {
    return this.offset >= this.data.length
  }

  varint(): number {
    let value = 0
    let scale = 1
    for (;;) {
      const byte = this.data[this.offset++]
      if (byte === undefined) throw new RangeError('truncated varint')
      value += (byte & 0x7f) * scale
      if (byte < 0x80) return value
      scale *= 0x80
    }
  }

  byte(): number {
    return this.data[this.offset++]!
  }

  uint16(): number {
    const o = this.offset
    this.offset += 2
    return this.data[o]! | (this.data[o + 1]! << 8)
  }

  uint32(): number {
    const d = this.data
    const o = this.offset
    this.offset += 4
    return (d[o]! | (d[o + 1]! << 8) | (d[o + 2]! << 16)) + d[o + 3]! * 0x1000000
  }

  bytes(length: number): Uint8Array {
    const out = this.data.subarray(this.offset, this.offset + length)
    this.offset += length
    return out
  }
}
