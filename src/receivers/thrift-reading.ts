/**
 * What every Thrift decoder shares: reading a whole request body with the `thrift` package's
 * protocol classes, and walking a struct's fields. Each format's decoder maps fields to its
 * own structs.
 */
import thrift, { type TProtocol, type TTransport } from 'thrift'
import { InvalidInputError } from '../errors.js'

export const ThriftType = thrift.Thrift.Type

export type ThriftEncoding = 'binary' | 'compact'

class BodyEndsEarlyError extends Error {}

/**
 * What the protocol classes read from when decoding: the whole body, in place. The thrift
 * package's buffered transport copies the body, and every i64 or binary value read from it
 * into a Buffer of its own; here they are views of the body.
 */
class BodyTransport {
  private at = 0

  constructor(private readonly body: Buffer) {}

  private take(bytes: number): number {
    const at = this.at
    if (at + bytes > this.body.length) throw new BodyEndsEarlyError()
    this.at += bytes
    return at
  }

  read(bytes: number): Buffer {
    const at = this.take(bytes)
    return this.body.subarray(at, at + bytes)
  }

  readByte(): number {
    return this.body.readInt8(this.take(1))
  }

  readI16(): number {
    return this.body.readInt16BE(this.take(2))
  }

  readI32(): number {
    return this.body.readInt32BE(this.take(4))
  }

  readDouble(): number {
    return this.body.readDoubleBE(this.take(8))
  }

  readString(bytes: number): string {
    const at = this.take(bytes)
    return this.body.toString('utf8', at, at + bytes)
  }
}

/**
 * Runs `read` over the body. The thrift package's own errors (a bad type, a negative size)
 * and a body that ends early become InvalidInputError saying what the body should have been.
 */
export function readThriftBody<T>(body: Buffer, encoding: ThriftEncoding, what: string, read: (protocol: TProtocol) => T): T {
  // Only the read methods above are called when decoding; the type wants a writer's too.
  const transport = new BodyTransport(body) as unknown as TTransport
  try {
    return read(encoding === 'binary' ? new thrift.TBinaryProtocol(transport) : new thrift.TCompactProtocol(transport))
  } catch (error) {
    if (error instanceof InvalidInputError) throw error
    const reason = error instanceof BodyEndsEarlyError ? 'the body ends early' : error instanceof Error ? error.message || error.name : String(error)
    throw new InvalidInputError(`the body is not ${what} (${reason})`)
  }
}

/** Reads a struct's fields, giving each to `field`; a field it does not take (false) is skipped. */
export function readStruct(protocol: TProtocol, field: (id: number, type: number) => boolean): void {
  protocol.readStructBegin()
  for (;;) {
    const { fid, ftype } = protocol.readFieldBegin()
    if (ftype === ThriftType.STOP) break
    if (!field(fid, ftype)) protocol.skip(ftype)
    protocol.readFieldEnd()
  }
  protocol.readStructEnd()
}

/** The wire type's name; the runtime enum has no reverse mapping. */
export function thriftTypeName(type: number): string {
  return Object.entries(ThriftType).find(([, value]) => value === type)?.[0] ?? `type ${type}`
}
