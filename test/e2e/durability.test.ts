/**
 * An acknowledged span is committed: concurrent clients stream spans, the server is killed
 * with SIGKILL at a random moment, and after a restart on the same file every acknowledged
 * span is there, and every request is there whole or not at all.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { jaegerGet } from '../helpers/jaeger-api.js'
import { startServerProcess } from '../helpers/server-process.js'
import { tempDir } from '../helpers/test-app.js'
import { postZipkinV2, randomId, zipkinSpan } from '../helpers/zipkin-spans.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

interface SentRequest {
  traceId: string
  spans: number
  acknowledged: boolean
}

describe('durability', () => {
  it('keeps every acknowledged span when the process is killed with SIGKILL', async () => {
    const dir = tempDir()
    dirs.push(dir)
    const dbPath = join(dir, 'crash.db')
    const server = await startServerProcess(dbPath)

    const sent: SentRequest[] = []
    let killed = false
    const client = async (id: number) => {
      while (!killed) {
        // One trace per request, so "whole or not at all" can be checked per trace.
        const traceId = randomId()
        const spans = Array.from({ length: 5 }, () => zipkinSpan({ service: `crash-client-${id}`, traceId }))
        const request: SentRequest = { traceId, spans: spans.length, acknowledged: false }
        sent.push(request)
        try {
          request.acknowledged = (await postZipkinV2(server.urls.zipkin!, spans)).status === 202
        } catch {
          return // the connection died with the process
        }
      }
    }
    const clients = [1, 2, 3, 4, 5, 6].map(client)
    const killAfter = 200 + Math.floor(Math.random() * 800)
    while (sent.filter((r) => r.acknowledged).length < killAfter) await new Promise((resolve) => setTimeout(resolve, 1))
    server.child.kill('SIGKILL')
    killed = true
    expect(await server.exited).toBe('SIGKILL')
    await Promise.all(clients)

    const restarted = await startServerProcess(dbPath)
    try {
      const problems: string[] = []
      for (const request of sent) {
        const { status, body } = await jaegerGet<{ spans: unknown[] }[]>(restarted.urls.query!, `/api/traces/${request.traceId}`)
        const stored = status === 200 ? body.data[0]!.spans.length : 0
        if (request.acknowledged && stored !== request.spans) problems.push(`acknowledged ${request.traceId} has ${stored} of ${request.spans} spans`)
        if (stored !== 0 && stored !== request.spans) problems.push(`${request.traceId} is half-written: ${stored} of ${request.spans} spans`)
      }
      expect(problems).toEqual([])
      expect(sent.filter((r) => r.acknowledged).length).toBeGreaterThanOrEqual(killAfter)
    } finally {
      restarted.child.kill('SIGTERM')
      expect(await restarted.exited).toBe(0)
    }
  })
})
