import { SPAN_KIND_TAG, type SpanKind, type Tag } from '../../model/span.js'

const KINDS = new Set<string>(['client', 'server', 'producer', 'consumer', 'internal'])

/**
 * The kind a Jaeger span states in its `span.kind` tag (OpenTracing's convention). The tag
 * itself stays among the span's tags, so the span reads back exactly as it was sent.
 */
export function spanKindOf(tags: readonly Tag[]): SpanKind | undefined {
  for (const tag of tags) {
    if (tag.key === SPAN_KIND_TAG && tag.type === 'string' && KINDS.has(tag.value)) return tag.value as SpanKind
  }
  return undefined
}
