import { hash } from 'node:crypto'

/**
 * A 48-bit hash of a string (the head of its MD5), so index keys stay plain SQLite integers
 * and exact JS numbers. A false match needs two distinct strings to collide in 48 bits.
 */
export function hashString(text: string): number {
  return hash('md5', text, 'buffer').readUIntBE(0, 6)
}
