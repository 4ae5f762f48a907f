/** An acknowledged span is committed: it survives kill -9 of the server process. */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { jaegerGet } from '../helpers/jaeger-api.js'
import { startServerProcess } from '../helpers/server-process.js'
import { tempDir } from '../helpers/test-app.js'
import { postZipkinV2, zipkinSpan } from '../helpers/zipkin-spans.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('durability', () => {
  it('keeps every acknowledged span when the process is killed with SIGKILL', async () => {
    const dir = tempDir()
    dirs.push(dir)
    const dbPath = join(dir, 'crash.db')
    const server = await startServerProcess(dbPath)

    const acknowledged: string[] = []
    let killed = false
    const client = async (id: number) => {
      for (let i = 0; !killed; i++) {
        const spans = Array.from({ length: 5 }, () => zipkinSpan({ service: `crash-client-${id}`, tags: { i: String(i) } }))
        try {
          const { status } = await postZipkinV2(server.urls.zipkin!, spans)
          if (status === 202) acknowledged.push(...spans.map((s) => s.traceId))
        } catch {
          return // the connection died with the process
        }
      }
    }
    const clients = [1, 2, 3, 4].map(client)
    while (acknowledged.length < 400) await new Promise((resolve) => setTimeout(resolve, 5))
    server.child.kill('SIGKILL')
    killed = true
    expect(await server.exited).toBe('SIGKILL')
    await Promise.all(clients)

    const restarted = await startServerProcess(dbPath)
    try {
      const missing: string[] = []
      for (const traceId of acknowledged) {
        const { status } = await jaegerGet(restarted.urls.query!, `/api/traces/${traceId}`)
        if (status !== 200) missing.push(traceId)
      }
      expect(missing).toEqual([])
    } finally {
      restarted.child.kill('SIGTERM')
      expect(await restarted.exited).toBe(0)
    }
  })
})
