import { EMPTY_SERVICE_NAME, type Span, type Tag } from '../model/span.js'

export interface SanitizeLimits {
  /** Longer string values (in UTF-16 code units) and binary values (in bytes) are cut to this. */
  maxTagValueLength: number
}

/**
 * Makes a decoded span safe to store, in place: a service name for every span, well-formed
 * UTF-16 in every string (a lone surrogate from a JSON escape becomes U+FFFD, as invalid
 * UTF-8 already does when bytes are decoded), and tag values cut to the limit with a warning.
 */
export function sanitizeSpan(span: Span, limits: SanitizeLimits): Span {
  span.process.serviceName = span.process.serviceName.toWellFormed()
  if (span.process.serviceName.trim() === '') span.process.serviceName = EMPTY_SERVICE_NAME
  span.operationName = span.operationName.toWellFormed()
  sanitizeTags(span, span.tags, 'tag', limits)
  sanitizeTags(span, span.process.tags, 'process tag', limits)
  for (const log of span.logs) sanitizeTags(span, log.fields, 'log field', limits)
  for (const endpoint of [span.localEndpoint, span.remoteEndpoint]) {
    if (endpoint?.serviceName !== undefined) endpoint.serviceName = endpoint.serviceName.toWellFormed()
  }
  return span
}

function sanitizeTags(span: Span, tags: Tag[], what: string, { maxTagValueLength }: SanitizeLimits): void {
  const truncated = (tag: Tag, unit: string) =>
    span.warnings.push(`${what} '${tag.key}' truncated from ${(tag.value as string | Uint8Array).length} to ${maxTagValueLength} ${unit}`)
  for (const tag of tags) {
    tag.key = tag.key.toWellFormed()
    if (tag.type === 'string') {
      if (tag.value.length > maxTagValueLength) {
        truncated(tag, 'characters')
        tag.value = tag.value.slice(0, maxTagValueLength)
      }
      tag.value = tag.value.toWellFormed()
    } else if (tag.type === 'binary' && tag.value.length > maxTagValueLength) {
      truncated(tag, 'bytes')
      tag.value = tag.value.slice(0, maxTagValueLength)
    }
  }
}
