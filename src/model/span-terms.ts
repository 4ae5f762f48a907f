/**
 * What a span is found by, besides its service and operation: a term for every tag, process
 * tag and log field (`key=value`), for every span tag key and annotation value (Zipkin's bare
 * annotationQuery terms), and for its remote service. Stores index hashes of the terms and
 * re-check a candidate span's own terms, so a hash shared by two terms costs a wasted read,
 * never a wrong answer.
 */
import { ANNOTATION_FIELD, type Span } from './span.js'
import { hashString } from './string-hash.js'
import { tagValueString } from './tag-string.js'

/** `key=value` of a span tag, process tag or log field. */
export function tagTerm(key: string, value: string): string {
  return `t\0${key}\0${value}`
}

/** A span tag key or an annotation value. */
export function keyTerm(keyOrAnnotation: string): string {
  return `k\0${keyOrAnnotation}`
}

export function remoteServiceTerm(name: string): string {
  return `r\0${name}`
}

/** The terms of a span, each once. */
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

/** The hashes (hashString) of a span's terms. */
export function spanTermHashes(span: Span): number[] {
  return Array.from(spanTerms(span), hashString)
}
