/**
 * What every Thrift decoder shares: reading a whole request body with the `thrift` package's
 * protocol classes, and walking a struct's fields. Each format's decoder maps fields to its
 * own structs.
 */
import thrift, { type TProtocol } from 'thrift'
import { InvalidInputError } from '../errors.js'

export const ThriftType = thrift.Thrift.Type

export type ThriftEncoding = 'binary' | 'compact'

/**
 * Runs `read` over the body. The thrift package's own errors (a body that ends early, a bad
 * type, a negative size) become InvalidInputError saying what the body should have been.
 */
export function readThriftBody<T>(body: Buffer, encoding: ThriftEncoding, what: string, read: (protocol: TProtocol) => T): T {
  let result: { value: T } | undefined
  try {
    // The receiver hands the whole body to the callback at once: there is no more to wait for.
    thrift.TBufferedTransport.receiver((transport) => {
      const protocol = encoding === 'binary' ? new thrift.TBinaryProtocol(transport) : new thrift.TCompactProtocol(transport)
      result = { value: read(protocol) }
    }, 0)(body)
  } catch (error) {
    if (error instanceof InvalidInputError) throw error
    const name = error instanceof Error ? error.name : ''
    const reason = name === 'InputBufferUnderrunError' ? 'the body ends early' : error instanceof Error ? error.message || name : String(error)
    throw new InvalidInputError(`the body is not ${what} (${reason})`)
  }
  return result!.value
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
