/**
 * Reads one length-delimited field of a protobuf message with protobufjs's Reader, giving the
 * bytes of each occurrence in order: how the protobuf decoders take a message's spans one at a
 * time instead of decoding the whole message first. Other fields are skipped, as protobufjs
 * skips unknown ones.
 */
import protobuf from 'protobufjs'
import { InvalidInputError } from '../errors.js'

/** `invalid` says what the message is not, when it cannot be read: "the body is not a ...". */
export function forEachFieldBytes(message: Buffer, field: number, invalid: string, take: (bytes: Buffer, i: number) => void): void {
  const key = (field << 3) | 2
  const reader = protobuf.Reader.create(message)
  for (let i = 0; reader.pos < reader.len; ) {
    let bytes: Buffer | undefined
    try {
      const fieldKey = reader.uint32()
      if (fieldKey === key) {
        const length = reader.uint32()
        bytes = message.subarray(reader.pos, reader.pos + length)
        reader.skip(length)
      } else {
        reader.skipType(fieldKey & 7)
      }
    } catch (error) {
      throw new InvalidInputError(`${invalid} (${(error as Error).message})`)
    }
    if (bytes) take(bytes, i++)
  }
}
