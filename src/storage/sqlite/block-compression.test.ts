import { describe, expect, it } from 'vitest'
import { compressBlock, decompressBlock } from './block-compression.js'

describe('block compression', () => {
  const text = Buffer.from(Array.from({ length: 300 }, (_, i) => `{"t":"${i.toString(16).padStart(32, '0')}","n":"GET /api/${i % 7}"}`).join('\n'))

  it('inflates into one buffer of the size written with the block', () => {
    const data = decompressBlock(compressBlock(text), text.length)
    expect(data.equals(text)).toBe(true)
    expect(data.buffer.byteLength).toBe(text.length + 1)
  })

  it('inflates blocks written before their size was kept', () => {
    expect(decompressBlock(compressBlock(text), null).equals(text)).toBe(true)
  })
})
