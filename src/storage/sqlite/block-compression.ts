/**
 * How span blocks are compressed (their summaries are not: block-summary.ts): brotli at
 * quality 5 with a window that holds a whole block. On blocks of 128 stored spans, quality 5
 * takes 9 % fewer bytes than 4 (61 against 67 a span) for 2.4 us more a span, and reads back
 * as fast; 6 saves one byte more for another microsecond.
 */
import { brotliCompress, brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib'

const PARAMS = { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_LGWIN]: 18 }
/**
 * A small block is merged with the next ones soon (span-store-writer.ts), and compressed again
 * then: quality 1 takes a fraction of the time, and about 60 % more bytes than quality 5 for the
 * while it lasts.
 */
const SMALL_BLOCK_PARAMS = { ...PARAMS, [constants.BROTLI_PARAM_QUALITY]: 1 }

export function compressBlock(data: Buffer, size: 'full' | 'small' = 'full'): Buffer {
  return brotliCompressSync(data, { params: size === 'full' ? PARAMS : SMALL_BLOCK_PARAMS })
}

/** A full block compressed on libuv's thread pool; `done` is called on this thread. */
export function compressBlockInBackground(data: Buffer, done: (error: Error | null, compressed: Buffer) => void): void {
  brotliCompress(data, { params: PARAMS }, done)
}

/**
 * With the size known, the output is one buffer of that size (a byte more, so that filling it
 * does not start another); without it, chunks that are then copied together.
 */
export function decompressBlock(data: Uint8Array, bytes: number | null): Buffer {
  return brotliDecompressSync(data, bytes === null ? {} : { chunkSize: Math.max(bytes + 1, constants.Z_MIN_CHUNK) })
}
