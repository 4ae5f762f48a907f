/** Requests sent to a worker thread and waiting for its answer, by id. */
export class PendingRequests<T> {
  private nextId = 1
  private readonly waiting = new Map<number, { resolve: (value: T) => void; reject: (error: Error) => void }>()

  /** Registers a request; `send` posts it with its id. Settles with the answer to that id. */
  send(send: (id: number) => void): Promise<T> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      send(id)
    })
  }

  resolve(id: number, value: T): void {
    this.waiting.get(id)?.resolve(value)
    this.waiting.delete(id)
  }

  reject(id: number, error: Error): void {
    this.waiting.get(id)?.reject(error)
    this.waiting.delete(id)
  }

  get size(): number {
    return this.waiting.size
  }

  /** The thread stopped: no answer will come. */
  rejectAll(error: Error): void {
    for (const request of this.waiting.values()) request.reject(error)
    this.waiting.clear()
  }
}
