/**
 * The decoding thread's entry point: turns request bodies into encoded spans (decoded,
 * sanitized, encoded), so that the main thread, which also answers queries, only moves bytes.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { InvalidInputError } from '../errors.js'
import { type EncodedSpans, transferables } from '../model/encoded-spans.js'
import type { SpanFormat } from '../receivers/span-decoders.js'
import { encodeBody } from './encode-spans.js'
import type { SanitizeLimits } from './sanitize.js'

export interface DecodeRequest {
  id: number
  format: SpanFormat
  body: Uint8Array
}

/** The spans, or why the body was refused (`invalid`: the client's fault, with a message for it). */
export type DecodeReply = { id: number; spans: EncodedSpans } | { id: number; error: string; invalid: boolean }

const limits = workerData as SanitizeLimits
const port = parentPort!

port.on('message', ({ id, format, body }: DecodeRequest) => {
  let reply: DecodeReply
  try {
    reply = { id, spans: encodeBody(format, Buffer.from(body.buffer, body.byteOffset, body.byteLength), limits) }
  } catch (error) {
    reply = { id, error: (error as Error).message, invalid: error instanceof InvalidInputError }
  }
  port.postMessage(reply, 'spans' in reply ? transferables(reply.spans) : [])
})
