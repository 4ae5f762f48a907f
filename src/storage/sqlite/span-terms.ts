/**
 * What a span is found by: its service, its operation name, and terms for every tag, tag key,
 * annotation and remote service. A term is a string; the index keeps a 32-bit hash of the term
 * mixed with the service id, and a search re-checks the span's own terms, so a hash shared by
 * two terms costs a wasted read, never a wrong answer.
 */
import { ANNOTATION_FIELD, type Span } from '../../model/span.js'
import { tagValueString } from '../../model/tag-string.js'
import { hashString } from './string-hash.js'

/** `key=value` of a span tag, process tag or log field. */
export function tagTerm(key: string, value: string): string {
  return `t\0${key}\0${value}`
}

/** A span tag key or an annotation value (Zipkin's bare annotationQuery terms). */
export function keyTerm(keyOrAnnotation: string): string {
  return `k\0${keyOrAnnotation}`
}

export function remoteServiceTerm(name: string): string {
  return `r\0${name}`
}

const SERVICE_TERM = 's'

function operationTerm(name: string): string {
  return `o\0${name}`
}

/** The index key of a term within a service. */
export function termHash(serviceId: number, term: string): number {
  return (hashString(term) + Math.imul(serviceId, 0x9e3779b1)) >>> 0
}

export function serviceHash(serviceId: number): number {
  return termHash(serviceId, SERVICE_TERM)
}

export function operationHash(serviceId: number, operationName: string): number {
  return termHash(serviceId, operationTerm(operationName))
}

/** The terms of a span, each once (its service and operation are indexed apart). */
export function spanTerms(span: Span): Set<string> {
  const terms = new Set<string>()
  const addAll = (tags: Span['tags']) => {
    for (const tag of tags) terms.add(tagTerm(tag.key, tagValueString(tag)))
  }
  addAll(span.tags)
  addAll(span.process.tags)
  for (const log of span.logs) {
    addAll(log.fields)
    for (const field of log.fields) {
      if (field.key === ANNOTATION_FIELD && field.type === 'string') terms.add(keyTerm(field.value))
    }
  }
  for (const tag of span.tags) terms.add(keyTerm(tag.key))
  const remote = span.remoteEndpoint?.serviceName
  if (remote !== undefined && remote !== '') terms.add(remoteServiceTerm(remote))
  return terms
}

/** Every index key of a span: its service, operation and terms. */
export function spanHashes(serviceId: number, span: Span): number[] {
  const hashes = [serviceHash(serviceId), operationHash(serviceId, span.operationName)]
  for (const term of spanTerms(span)) hashes.push(termHash(serviceId, term))
  return hashes
}
