/**
 * The open tail's tag postings in memory, as lists of span row ids per service and tag hash:
 * searches read them without touching SQLite, and sealing writes them out without a sort
 * (row ids only grow, so every list is already ascending). `tag_postings_open` holds the same
 * postings on disk, so that they are rebuilt here after a restart.
 */
export class OpenPostings {
  private readonly byService = new Map<number, Map<number, number[]>>()
  private count = 0

  /** Postings held. */
  get size(): number {
    return this.count
  }

  /** `postings` is flat (service, tag hash, span row) triples. */
  add(postings: readonly number[]): void {
    for (let i = 0; i < postings.length; i += 3) {
      const serviceId = postings[i]!
      let lists = this.byService.get(serviceId)
      if (!lists) {
        lists = new Map()
        this.byService.set(serviceId, lists)
      }
      const tagHash = postings[i + 1]!
      const ids = lists.get(tagHash)
      if (ids) ids.push(postings[i + 2]!)
      else lists.set(tagHash, [postings[i + 2]!])
    }
    this.count += postings.length / 3
  }

  get(serviceId: number, tagHash: number): readonly number[] | undefined {
    return this.byService.get(serviceId)?.get(tagHash)
  }

  /** Every list, with the given extra postings merged in (without keeping them). */
  *lists(extra: readonly number[]): Iterable<[serviceId: number, tagHash: number, spanIds: readonly number[]]> {
    const more = new OpenPostings()
    more.add(extra)
    for (const [serviceId, lists] of this.byService) {
      for (const [tagHash, ids] of lists) {
        const added = more.take(serviceId, tagHash)
        yield [serviceId, tagHash, added ? [...ids, ...added] : ids]
      }
    }
    for (const [serviceId, lists] of more.byService) {
      for (const [tagHash, ids] of lists) yield [serviceId, tagHash, ids]
    }
  }

  private take(serviceId: number, tagHash: number): number[] | undefined {
    const lists = this.byService.get(serviceId)
    const ids = lists?.get(tagHash)
    lists?.delete(tagHash)
    return ids
  }

  clear(): void {
    this.byService.clear()
    this.count = 0
  }
}
