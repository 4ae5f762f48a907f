import type { Span } from '../../model/span.js'
import { parentSpanId } from '../../model/span.js'

/**
 * Gives the server half of a Zipkin RPC that shares its span id with the client half an id
 * of its own, as the Jaeger UI needs every span id unique: the server span becomes a child
 * of the client span, and the server span's children follow it to the new id. Returns a
 * trace with adjusted copies; the input is not changed.
 */
export function dedupeSpanIds(trace: readonly Span[]): Span[] {
  const clientIds = new Set(trace.filter((s) => s.kind === 'client').map((s) => s.spanId))
  const used = new Set(trace.map((s) => s.spanId))
  let nextId = trace.reduce((max, s) => (BigInt(`0x${s.spanId}`) > max ? BigInt(`0x${s.spanId}`) : max), 0n)
  const newIdByOld = new Map<string, string>()
  const adjusted = trace.map((span) => {
    if (span.kind !== 'server' || !clientIds.has(span.spanId)) return span
    let newId: string
    do {
      nextId = (nextId + 1n) & 0xffffffffffffffffn
      newId = nextId.toString(16).padStart(16, '0')
    } while (used.has(newId) || nextId === 0n)
    used.add(newId)
    newIdByOld.set(span.spanId, newId)
    return { ...withParent(span, span.spanId), spanId: newId }
  })
  if (newIdByOld.size === 0) return adjusted
  return adjusted.map((span) => {
    const parent = parentSpanId(span)
    const newParent = parent === undefined ? undefined : newIdByOld.get(parent)
    return newParent === undefined || newParent === span.spanId ? span : withParent(span, newParent)
  })
}

/** A copy whose parent reference (the first in its own trace) points at `parentId`. */
function withParent(span: Span, parentId: string): Span {
  const index = span.references.findIndex((r) => r.traceId === span.traceId && r.type === 'child_of')
  const fallback = index >= 0 ? index : span.references.findIndex((r) => r.traceId === span.traceId)
  const references = [...span.references]
  if (fallback >= 0) references[fallback] = { ...references[fallback]!, spanId: parentId }
  else references.unshift({ type: 'child_of', traceId: span.traceId, spanId: parentId })
  return { ...span, references }
}
