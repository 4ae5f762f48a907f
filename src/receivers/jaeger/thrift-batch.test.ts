import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../../errors.js'
import { decodeJaegerThriftBatch } from './thrift-batch.js'

describe('decodeJaegerThriftBatch', () => {
  it('names the wire types when a list holds the wrong kind of element', () => {
    // Batch { 2: list<i32> [1] } in the binary protocol: spans must be a list of structs.
    const body = Buffer.from([0x0f, 0x00, 0x02, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00])
    expect(() => decodeJaegerThriftBatch(body, 'binary')).toThrow('batch.spans: expected a list of STRUCT, got a list of I32')
  })

  it('turns any malformed body into InvalidInputError, in either protocol', () => {
    // Field 1 declared a struct, then bytes that are no valid field header / run out.
    for (const body of [Buffer.from([0x0c, 0x00, 0x01, 0x7f]), Buffer.from([0x0c, 0x00]), Buffer.alloc(0)]) {
      for (const encoding of ['binary', 'compact'] as const) {
        expect(() => decodeJaegerThriftBatch(body, encoding)).toThrow(InvalidInputError)
      }
    }
  })
})
