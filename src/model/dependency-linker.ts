/**
 * Service dependency links of one trace by the rules of Zipkin's DependencyLinker: links come
 * from server and consumer spans to their nearest remote ancestor, and from client and
 * producer spans that name their remote service (uninstrumented callees and brokers).
 *
 * The rules read only a few facts of each span (LinkSpan), so that a store can keep the links
 * of a trace up to date as its spans arrive, from a compact record of each, without reading
 * the spans back.
 */
import type { Endpoint, SpanKind } from './span.js'
import { hashJoined } from './string-hash.js'

/** What the rules read of a span. Services are ids, 0 for none. */
export interface LinkSpan {
  /** The low 32 bits of the span id: enough to tell a trace's spans apart. */
  spanId: number
  /** The low 32 bits of the parent span id; 0 for a root span. */
  parentId: number
  kind: SpanKind | undefined
  shared: boolean
  /** The span's own service (its local endpoint's). */
  service: number
  /** endpointHash of its local endpoint: fragments from different hosts are different spans. */
  endpoint: number
  /** The remote endpoint's service. */
  remoteService: number
  /** The span has an `error` tag. */
  error: boolean
  /** When the span started, 0 if unknown: its links are counted at this time. */
  startUs: number
}

/** One call from `parent` to `child`, at the time of the span that shows it. */
export interface TraceLink {
  parent: number
  child: number
  error: boolean
  startUs: number
}

/**
 * 8 bits of a hash of the endpoint's fields, 0 for none: enough to tell apart the hosts of the
 * few spans that share an id (a collision merges them, 1 time in 255).
 */
export function endpointHash(endpoint: Endpoint | undefined): number {
  if (!endpoint) return 0
  return hashJoined(endpoint.serviceName ?? '', endpoint.ipv4 ?? '', endpoint.ipv6 ?? '', String(endpoint.port ?? '')) % 255 + 1
}

interface Node {
  span?: LinkSpan
  parent?: Node
  children: Node[]
}

/** The links of a trace, one per call; the spans' order does not matter. */
export function linkTrace(spans: readonly LinkSpan[]): TraceLink[] {
  const links: TraceLink[] = []
  if (spans.length === 0) return links
  const merged = mergeFragments(spans)
  // A span without a start (a one-way Zipkin span) is counted at the trace's earliest.
  let traceStartUs = 0
  for (const span of merged) if (span.startUs > 0 && (traceStartUs === 0 || span.startUs < traceStartUs)) traceStartUs = span.startUs
  const root = buildTree(merged)
  const queue = [root]
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!
    for (const child of node.children) queue.push(child)
    if (node.span) linkNode(node, node === root, node.span.startUs || traceStartUs, links)
  }
  return links
}

function linkNode(node: Node, isRoot: boolean, startUs: number, links: TraceLink[]): void {
  const span = node.span!
  let kind = span.kind
  // A client that has children: the server below it names the link.
  if (kind === 'client' && node.children.length > 0) return
  const { service, remoteService } = span
  if (kind === undefined || kind === 'internal') {
    // A span of unknown kind that knows both sides is taken as a client.
    if (kind === undefined && service !== 0 && remoteService !== 0) kind = 'client'
    else return
  }
  let parent: number
  let child: number
  if (kind === 'server' || kind === 'consumer') {
    child = service
    parent = remoteService
    if (isRoot && parent === 0) return // the root's caller is unknown
  } else {
    parent = service
    child = remoteService
  }
  let error = span.error
  if (kind === 'producer' || kind === 'consumer') {
    if (parent !== 0 && child !== 0) links.push({ parent, child, error, startUs })
    return
  }
  const ancestor = firstRemoteAncestor(node)
  if (ancestor && ancestor.service !== 0) {
    // A client span whose service differs from its remote ancestor's: the call between them was not traced.
    if (kind === 'client' && service !== 0 && ancestor.service !== service) links.push({ parent: ancestor.service, child: service, error: false, startUs })
    if (kind === 'server' || parent === 0) parent = ancestor.service
    // The server half of a split RPC takes the error of its client half.
    if (!error && ancestor.kind === 'client' && span.parentId === ancestor.spanId) error = ancestor.error
  }
  if (parent !== 0 && child !== 0) links.push({ parent, child, error, startUs })
}

function firstRemoteAncestor(node: Node): LinkSpan | undefined {
  for (let ancestor = node.parent; ancestor; ancestor = ancestor.parent) {
    if (ancestor.span?.kind !== undefined && ancestor.span.kind !== 'internal') return ancestor.span
  }
  return undefined
}

/**
 * Joins the fragments of one span (reported in parts, or each side of a one-way RPC alone):
 * the same span id, kinds and shared flags that agree (or one without a kind), and the same
 * local endpoint (or one without; the same service when neither has one).
 */
function mergeFragments(spans: readonly LinkSpan[]): LinkSpan[] {
  const merged: LinkSpan[] = []
  // Positions in `merged` of the spans with each id: one number while an id is unique (most are).
  const positionsById = new Map<number, number | number[]>()
  for (const fragment of spans) {
    const known = positionsById.get(fragment.spanId)
    if (known === undefined) {
      positionsById.set(fragment.spanId, merged.length)
      merged.push(fragment)
      continue
    }
    const positions = typeof known === 'number' ? [known] : known
    const position = positions.find((p) => sameSpan(merged[p]!, fragment))
    if (position === undefined) {
      positions.push(merged.length)
      merged.push(fragment)
    } else {
      merged[position] = join(merged[position]!, fragment)
    }
    positionsById.set(fragment.spanId, positions)
  }
  return merged
}

function sameSpan(a: LinkSpan, b: LinkSpan): boolean {
  if (a.kind !== undefined && b.kind !== undefined && (a.kind !== b.kind || a.shared !== b.shared)) return false
  if (a.endpoint === 0 && b.endpoint === 0) return a.service === b.service
  return a.endpoint === 0 || b.endpoint === 0 || a.endpoint === b.endpoint
}

function join(a: LinkSpan, b: LinkSpan): LinkSpan {
  return {
    spanId: a.spanId,
    parentId: a.parentId || b.parentId,
    kind: a.kind ?? b.kind,
    shared: a.shared || b.shared,
    service: a.service || b.service,
    endpoint: a.endpoint || b.endpoint,
    remoteService: a.remoteService || b.remoteService,
    error: a.error || b.error,
    startUs: a.startUs > 0 && b.startUs > 0 ? Math.min(a.startUs, b.startUs) : a.startUs || b.startUs,
  }
}

/**
 * The span tree as Zipkin builds it: a shared server span hangs under the client span with its
 * id; other spans under their parent id, preferring a shared server span on their own endpoint;
 * spans whose parent is missing hang under the root. Several roots get a root without a span.
 */
function buildTree(spans: readonly LinkSpan[]): Node {
  const nodes = spans.map((span): Node => ({ span, children: [] }))
  const unshared = new Map<number, Node>()
  const shared = new Map<number, Node[]>()
  for (const node of nodes) {
    const span = node.span!
    if (span.shared) {
      const list = shared.get(span.spanId)
      if (list) list.push(node)
      else shared.set(span.spanId, [node])
    } else if (!unshared.has(span.spanId)) unshared.set(span.spanId, node)
  }
  const roots: Node[] = []
  const orphans: Node[] = []
  for (const node of nodes) {
    const span = node.span!
    let parent: Node | undefined
    let parentId = span.parentId
    if (span.shared) {
      parent = unshared.get(span.spanId)
      if (parent) parentId = span.spanId
      else if (parentId !== 0) parent = unshared.get(parentId) ?? shared.get(parentId)?.[0]
    } else if (parentId !== 0) {
      // Only a shared server span on the very same endpoint counts as this span's host.
      const candidates = shared.get(parentId) ?? []
      parent = candidates.find((c) => c.span!.endpoint === span.endpoint) ?? unshared.get(parentId) ?? candidates[0]
    }
    if (parent === node) parent = undefined
    if (parent) {
      node.parent = parent
      parent.children.push(node)
    } else if (parentId === 0) {
      roots.push(node)
    } else {
      orphans.push(node)
    }
  }
  let root: Node
  if (roots.length === 1) {
    root = roots[0]!
  } else {
    root = { children: [] }
    for (const node of roots) {
      node.parent = root
      root.children.push(node)
    }
  }
  for (const node of orphans) {
    node.parent = root
    root.children.push(node)
  }
  return root
}
