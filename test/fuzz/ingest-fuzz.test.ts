/**
 * Thousands of random and mutated bodies at every ingest endpoint of a server process: each
 * answer is a success, 400 or 413; the process never crashes or hangs; earlier spans stay intact.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jaegerGet } from '../helpers/jaeger-api.js'
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js'
import { tempDir } from '../helpers/test-app.js'
import { postZipkinV2, zipkinSpan } from '../helpers/zipkin-spans.js'
import { mutateBytes, mutateZipkinSpan, randomJson, randomSource } from './mutate.js'

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000)
const CASES_PER_TARGET = 2000

interface Target {
  name: string
  url: () => string
  contentType: string
  /** A body for case `i`. */
  body: (random: () => number, i: number) => Buffer
}

describe(`ingest fuzzing (FUZZ_SEED=${SEED})`, () => {
  let dir: string
  let server: ServerProcess
  const earlier = Array.from({ length: 20 }, (_, i) => zipkinSpan({ service: 'before-fuzz', tags: { i: String(i) } }))

  beforeAll(async () => {
    dir = tempDir()
    server = await startServerProcess(join(dir, 'fuzz.db'))
    expect((await postZipkinV2(server.urls.zipkin!, earlier)).status).toBe(202)
  })
  afterAll(async () => {
    server?.child.kill('SIGTERM')
    await server?.exited
    rmSync(dir, { recursive: true, force: true })
  })

  const validV2 = () => Buffer.from(JSON.stringify([zipkinSpan({ service: 'fuzz', tags: { k: 'v' }, annotations: [{ timestamp: 1, value: 'a' }] })]))
  const targets: Target[] = [
    {
      name: 'Zipkin JSON v2',
      url: () => `${server.urls.zipkin}/api/v2/spans`,
      contentType: 'application/json',
      body: (random, i) => {
        if (i % 3 === 0) return Buffer.from(JSON.stringify(randomJson(random)))
        if (i % 3 === 1) return Buffer.from(JSON.stringify([mutateZipkinSpan(zipkinSpan({ service: 'fuzz' }) as unknown as Record<string, unknown>, random)]))
        return mutateBytes(validV2(), random)
      },
    },
  ]

  it.each(targets)('$name: every answer is 2xx, 400 or 413', async (target) => {
    const random = randomSource(SEED)
    const unexpected: string[] = []
    const answers = new Map<number, number>()
    for (let i = 0; i < CASES_PER_TARGET; i += 10) {
      // Ten at a time, some gzipped, so requests overlap as they do from real fleets.
      await Promise.all(
        Array.from({ length: 10 }, async (_, j) => {
          let body = target.body(random, i + j)
          const headers: Record<string, string> = { 'content-type': target.contentType }
          if ((i + j) % 7 === 0) {
            body = gzipSync(body)
            headers['content-encoding'] = 'gzip'
          }
          const response = await fetch(target.url(), { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) })
          await response.text()
          answers.set(response.status, (answers.get(response.status) ?? 0) + 1)
          if (![200, 202, 400, 413].includes(response.status)) unexpected.push(`${response.status} for ${body.toString('base64').slice(0, 200)}`)
        }),
      )
    }
    expect(unexpected).toEqual([])
    expect(answers.get(400)).toBeGreaterThan(0)
    expect(server.child.exitCode).toBeNull()
    expect((await fetch(`${server.urls.admin}/`)).status).toBe(200)
  })

  it('kept the spans stored before the fuzzing', async () => {
    for (const span of earlier) expect((await jaegerGet(server.urls.query!, `/api/traces/${span.traceId}`)).status).toBe(200)
  })
})
