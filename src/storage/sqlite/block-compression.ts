/**
 * How span blocks and their summaries are compressed: brotli at quality 4 with a window that
 * holds a whole block, which takes about the bytes of deflate's default level at half its time.
 */
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib'

const PARAMS = { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_LGWIN]: 18 }

export function compressBlock(data: string | Buffer): Buffer {
  return brotliCompressSync(data, { params: PARAMS })
}

export function decompressBlock(data: Uint8Array): Buffer {
  return brotliDecompressSync(data)
}
