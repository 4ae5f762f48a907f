/**
 * What a span is found by in the tag index: 53-bit hashes of its tag values, tag keys,
 * annotation values and remote service name, kept per service.
 */
import { ANNOTATION_FIELD, type Span } from '../../model/span.js'
import { tagValueString } from '../../model/tag-string.js'
import { hashString } from './string-hash.js'

export function tagPostingHash(key: string, value: string): number {
  return hashString(`${key}\0${value}`)
}

/** A span tag key or an annotation value; the \u0001 prefix keeps these apart from tag hashes. */
export function keyPostingHash(keyOrAnnotation: string): number {
  return hashString(`\u0001key\0${keyOrAnnotation}`)
}

export function remoteServicePostingHash(name: string): number {
  return hashString(`\u0001remote\0${name}`)
}

/**
 * The postings of a span, each once: `key\0value` for every span tag, process tag and log
 * field; the key of every span tag and the value of every annotation (Zipkin's bare
 * annotationQuery terms); the remote service name.
 */
export function postingHashes(span: Span): Set<number> {
  const hashes = new Set<number>()
  const addAll = (tags: Span['tags']) => {
    for (const tag of tags) hashes.add(tagPostingHash(tag.key, tagValueString(tag)))
  }
  addAll(span.tags)
  addAll(span.process.tags)
  for (const log of span.logs) {
    addAll(log.fields)
    for (const field of log.fields) {
      if (field.key === ANNOTATION_FIELD && field.type === 'string') hashes.add(keyPostingHash(field.value))
    }
  }
  for (const tag of span.tags) hashes.add(keyPostingHash(tag.key))
  const remote = span.remoteEndpoint?.serviceName
  if (remote !== undefined && remote !== '') hashes.add(remoteServicePostingHash(remote))
  return hashes
}
