/**
 * What a span is found by, besides its service and operation: a term for every tag, process
 * tag and log field (`key=value`), for every span tag key and annotation value (Zipkin's bare
 * annotationQuery terms), and for its remote service. Stores index hashes of the terms and
 * re-check a candidate span's own terms, so a hash shared by two terms costs a wasted read,
 * never a wrong answer.
 */
import { ANNOTATION_FIELD, type Span } from './span.js'
import { hashJoined } from './string-hash.js'
import { tagValueString } from './tag-string.js'

/** `key=value` of a span tag, process tag or log field. */
export function tagTerm(key: string, value: string): string {
  return [TAG, key, value].join('\0')
}

/** A span tag key or an annotation value. */
export function keyTerm(keyOrAnnotation: string): string {
  return [KEY, keyOrAnnotation].join('\0')
}

export function remoteServiceTerm(name: string): string {
  return [REMOTE_SERVICE, name].join('\0')
}

const TAG = 't'
const KEY = 'k'
const REMOTE_SERVICE = 'r'

/** The terms of a span, each once. */
export function spanTerms(span: Span): Set<string> {
  const terms = new Set<string>()
  forEachTerm(span, (...parts) => terms.add(parts.join('\0')))
  return terms
}

/** The hashes of a span's terms (hashString of each term), each once. */
export function spanTermHashes(span: Span): number[] {
  const hashes = new Set<number>()
  forEachTerm(span, (...parts) => hashes.add(hashJoined(...parts)))
  return [...hashes]
}

/** Gives every term of the span as its parts (joined by NUL they make the term), repeats included. */
function forEachTerm(span: Span, term: (...parts: string[]) => void): void {
  const tagTerms = (tags: Span['tags']) => {
    for (const tag of tags) term(TAG, tag.key, tagValueString(tag))
  }
  tagTerms(span.tags)
  tagTerms(span.process.tags)
  for (const log of span.logs) {
    tagTerms(log.fields)
    for (const field of log.fields) {
      if (field.key === ANNOTATION_FIELD && field.type === 'string') term(KEY, field.value)
    }
  }
  for (const tag of span.tags) term(KEY, tag.key)
  const remote = span.remoteEndpoint?.serviceName
  if (remote !== undefined && remote !== '') term(REMOTE_SERVICE, remote)
}
