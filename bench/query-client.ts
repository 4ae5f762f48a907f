/**
 * The process that times queries: sequential GETs over one keep-alive connection per server, each timed
 * from the request to the last byte of the answer. It does nothing else, so that its own
 * garbage collections (a fetch client's, or the filling benchmark process's) do not show up as
 * server latency. Run by bench/queries.ts through child_process.fork.
 */
import http from 'node:http'

export interface QueryClientRequest {
  /** Per query kind, the server's base URL and the paths to request in order; the first `warmUp` are not timed. */
  cases: { name: string; base: string; paths: string[] }[]
  warmUp: number
}

export type QueryClientReply = { latenciesMs: number[][] } | { error: string }

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (response) => {
        response.resume()
        response.on('end', () => resolve(response.statusCode ?? 0))
      })
      .on('error', reject)
  })
}

process.once('message', async ({ cases, warmUp }: QueryClientRequest) => {
  let reply: QueryClientReply
  try {
    const latenciesMs: number[][] = []
    for (const { name, base, paths } of cases) {
      const timings: number[] = []
      for (const [i, path] of paths.entries()) {
        const started = performance.now()
        const status = await get(`${base}${path}`)
        if (status !== 200) throw new Error(`${name}: ${path} answered ${status}`)
        if (i >= warmUp) timings.push(performance.now() - started)
      }
      latenciesMs.push(timings)
    }
    reply = { latenciesMs }
  } catch (error) {
    reply = { error: (error as Error).message }
  }
  process.send!(reply, () => process.disconnect())
})
