/**
 * How span blocks and their summaries are compressed: brotli at quality 4 with a window that
 * holds a whole block, which takes about the bytes of deflate's default level at half its time.
 */
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib'

const PARAMS = { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_LGWIN]: 18 }
/**
 * A small block is merged with the next ones soon (span-store-writer.ts), and compressed again
 * then: quality 1 takes a third of the time, and about 45 % more bytes for the while it lasts.
 */
const SMALL_BLOCK_PARAMS = { ...PARAMS, [constants.BROTLI_PARAM_QUALITY]: 1 }

export function compressBlock(data: Buffer, size: 'full' | 'small' = 'full'): Buffer {
  return brotliCompressSync(data, { params: size === 'full' ? PARAMS : SMALL_BLOCK_PARAMS })
}

/**
 * With the size known, the output is one buffer of that size (a byte more, so that filling it
 * does not start another); without it, chunks that are then copied together.
 */
export function decompressBlock(data: Uint8Array, bytes: number | null): Buffer {
  return brotliDecompressSync(data, bytes === null ? {} : { chunkSize: Math.max(bytes + 1, constants.Z_MIN_CHUNK) })
}
