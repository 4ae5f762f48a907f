/**
 * Service dependency links from traces, by the rules of Zipkin's DependencyLinker: links come
 * from server and consumer spans to their nearest remote ancestor, and from client and
 * producer spans that name their remote service (uninstrumented callees and brokers).
 */
import { type Endpoint, type Span, parentSpanId } from '../model/span.js'
import { mergeSpanFragments } from './adjusters/span-merge.js'

export interface ZipkinDependencyLink {
  parent: string
  child: string
  callCount: number
  errorCount: number
}

interface Node {
  span?: Span
  parent?: Node
  children: Node[]
}

/** Adds each trace's links to the running counts; call `links()` for the result. */
export class DependencyLinker {
  private readonly counts = new Map<string, ZipkinDependencyLink>()

  putTrace(trace: readonly Span[]): this {
    if (trace.length === 0) return this
    const root = buildTree(mergeSpanFragments(trace))
    for (const node of breadthFirst(root)) this.visit(node, root)
    return this
  }

  links(): ZipkinDependencyLink[] {
    return [...this.counts.values()].map((link) => ({ ...link }))
  }

  private visit(node: Node, root: Node): void {
    const span = node.span
    if (!span) return
    let kind = span.kind
    // A client that has children: the server below it names the link.
    if (kind === 'client' && node.children.length > 0) return
    const serviceName = span.localEndpoint?.serviceName
    const remoteServiceName = span.remoteEndpoint?.serviceName
    if (kind === undefined || kind === 'internal') {
      // A span of unknown kind that knows both sides is taken as a client.
      if (kind === undefined && serviceName !== undefined && remoteServiceName !== undefined) kind = 'client'
      else return
    }
    let parent: string | undefined
    let child: string | undefined
    if (kind === 'server' || kind === 'consumer') {
      child = serviceName
      parent = remoteServiceName
      if (node === root && parent === undefined) return // the root's caller is unknown
    } else {
      parent = serviceName
      child = remoteServiceName
    }
    let isError = hasErrorTag(span)
    if (kind === 'producer' || kind === 'consumer') {
      if (parent !== undefined && child !== undefined) this.add(parent, child, isError)
      return
    }
    const ancestor = firstRemoteAncestor(node)
    const ancestorName = ancestor?.localEndpoint?.serviceName
    if (ancestor && ancestorName !== undefined) {
      // A client span whose service differs from its remote ancestor's: the call between them was not traced.
      if (kind === 'client' && serviceName !== undefined && ancestorName !== serviceName) this.add(ancestorName, serviceName, false)
      if (kind === 'server' || parent === undefined) parent = ancestorName
      // The server half of a split RPC takes the error of its client half.
      if (!isError && ancestor.kind === 'client' && parentSpanId(span) === ancestor.spanId) isError = hasErrorTag(ancestor)
    }
    if (parent === undefined || child === undefined) return
    this.add(parent, child, isError)
  }

  private add(parent: string, child: string, isError: boolean): void {
    const key = `${parent}\0${child}`
    const link = this.counts.get(key) ?? { parent, child, callCount: 0, errorCount: 0 }
    link.callCount++
    if (isError) link.errorCount++
    this.counts.set(key, link)
  }
}

const hasErrorTag = (span: Span) => span.tags.some((t) => t.key === 'error')

function firstRemoteAncestor(node: Node): Span | undefined {
  for (let ancestor = node.parent; ancestor; ancestor = ancestor.parent) {
    if (ancestor.span?.kind !== undefined && ancestor.span.kind !== 'internal') return ancestor.span
  }
  return undefined
}

function* breadthFirst(root: Node): Generator<Node> {
  const queue = [root]
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!
    yield node
    queue.push(...node.children)
  }
}

const endpointKey = (e: Endpoint | undefined) => (e ? `${e.serviceName}\0${e.ipv4}\0${e.ipv6}\0${e.port}` : '')

/**
 * The span tree as Zipkin builds it: a shared server span hangs under the client span with its
 * id; other spans under their parent id, preferring a shared server span on their own endpoint;
 * spans whose parent is missing hang under the root. Several roots get a root without a span.
 */
export function buildTree(spans: readonly Span[]): Node {
  const nodes = spans.map((span): Node => ({ span, children: [] }))
  const unshared = new Map<string, Node>()
  const shared = new Map<string, Node[]>()
  for (const node of nodes) {
    const span = node.span!
    if (span.shared) shared.set(span.spanId, [...(shared.get(span.spanId) ?? []), node])
    else if (!unshared.has(span.spanId)) unshared.set(span.spanId, node)
  }
  const roots: Node[] = []
  const orphans: Node[] = []
  for (const node of nodes) {
    const span = node.span!
    let parent: Node | undefined
    let parentId: string | undefined
    if (span.shared) {
      parent = unshared.get(span.spanId)
      parentId = parent ? span.spanId : parentSpanId(span)
      if (!parent && parentId !== undefined) parent = unshared.get(parentId) ?? shared.get(parentId)?.[0]
    } else {
      parentId = parentSpanId(span)
      if (parentId !== undefined) {
        // Only a shared server span on the very same endpoint counts as this span's host.
        const local = endpointKey(span.localEndpoint)
        const candidates = shared.get(parentId) ?? []
        parent = candidates.find((c) => endpointKey(c.span!.localEndpoint) === local) ?? unshared.get(parentId) ?? candidates[0]
      }
    }
    if (parent === node) parent = undefined
    if (parent) {
      node.parent = parent
      parent.children.push(node)
    } else if (parentId === undefined) {
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
