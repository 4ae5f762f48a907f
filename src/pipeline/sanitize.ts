import type { Span, Tag } from '../model/span.js'

/** What an empty service name is stored as, so the span stays findable (Jaeger's spelling). */
export const EMPTY_SERVICE_NAME = 'empty-service-name'

/**
 * Makes a decoded span safe to store, in place: a service name for every span and well-formed
 * UTF-16 in every string (a lone surrogate from a JSON escape becomes U+FFFD, as invalid
 * UTF-8 already does when bytes are decoded).
 */
export function sanitizeSpan(span: Span): Span {
  span.process.serviceName = span.process.serviceName.toWellFormed()
  if (span.process.serviceName.trim() === '') span.process.serviceName = EMPTY_SERVICE_NAME
  span.operationName = span.operationName.toWellFormed()
  sanitizeTags(span.tags)
  sanitizeTags(span.process.tags)
  for (const log of span.logs) sanitizeTags(log.fields)
  for (const endpoint of [span.localEndpoint, span.remoteEndpoint]) {
    if (endpoint?.serviceName !== undefined) endpoint.serviceName = endpoint.serviceName.toWellFormed()
  }
  return span
}

function sanitizeTags(tags: Tag[]): void {
  for (const tag of tags) {
    tag.key = tag.key.toWellFormed()
    if (tag.type === 'string') tag.value = tag.value.toWellFormed()
  }
}
