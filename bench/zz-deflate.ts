import { deflateRawSync, brotliCompressSync, constants } from 'node:zlib'
import { batches } from './traffic.js'
import { sanitizeSpan } from '../src/pipeline/sanitize.js'
import { zipkinV2ToModel } from '../src/receivers/zipkin/v2-to-model.js'
import { decodeZipkinV2Json } from '../src/receivers/zipkin/v2-json.js'
import { encodeSpan } from '../src/storage/sqlite/span-codec.js'
const lines = batches(3, Date.now() * 1000, 100, 50_000).flatMap((b) => zipkinV2ToModel(decodeZipkinV2Json(Buffer.from(JSON.stringify(b)))).map((s) => encodeSpan(sanitizeSpan(s, { maxTagValueLength: 65536 }))))
const blocks: string[] = []
for (let i = 0; i < lines.length; i += 128) blocks.push(lines.slice(i, i + 128).join('\n'))
for (const level of [1, 2, 3, 4, 6]) {
  const t = performance.now(); let bytes = 0
  for (const b of blocks) bytes += deflateRawSync(b, { level }).length
  console.log(`deflate ${level}: ${(bytes / lines.length).toFixed(1)} B/span, ${((performance.now() - t) * 1000 / lines.length).toFixed(2)} us/span`)
}
for (const q of [1, 3, 4, 5]) {
  const t = performance.now(); let bytes = 0
  for (const b of blocks) bytes += brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: q, [constants.BROTLI_PARAM_LGWIN]: 18 } }).length
  console.log(`brotli ${q}: ${(bytes / lines.length).toFixed(1)} B/span, ${((performance.now() - t) * 1000 / lines.length).toFixed(2)} us/span`)
}
