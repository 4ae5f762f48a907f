/**
 * The keys of the postings index: a span is filed under its service, its operation and each of
 * its terms (model/span-terms.ts), every key a 32-bit mix of the term's hash and the service
 * id, so that a term is looked up within one service.
 */
import { hashString } from '../../model/string-hash.js'

const SERVICE_TERM = 's'

function operationTerm(name: string): string {
  return `o\0${name}`
}

/** The key of a term, given its hashString, within a service. */
export function indexKey(serviceId: number, termHash: number): number {
  return (termHash + Math.imul(serviceId, 0x9e3779b1)) >>> 0
}

export function termKey(serviceId: number, term: string): number {
  return indexKey(serviceId, hashString(term))
}

export function serviceKey(serviceId: number): number {
  return termKey(serviceId, SERVICE_TERM)
}

export function operationKey(serviceId: number, operationName: string): number {
  return termKey(serviceId, operationTerm(operationName))
}

/** Every key of a span: its service, operation and terms (given as their hashes). */
export function spanKeys(serviceId: number, operationName: string, termHashes: ArrayLike<number>): number[] {
  const keys = [serviceKey(serviceId), operationKey(serviceId, operationName)]
  for (let i = 0; i < termHashes.length; i++) keys.push(indexKey(serviceId, termHashes[i]!))
  return keys
}
