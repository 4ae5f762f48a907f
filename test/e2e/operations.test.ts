/** What an operator relies on: health, metrics, configuration errors, clean shutdown, quiet logs. */
import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { status as GrpcStatus } from '@grpc/grpc-js'
import Database from 'better-sqlite3'
import type { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { jaegerGet } from '../helpers/jaeger-api.js'
import { JaegerGrpcClient } from '../helpers/jaeger-grpc-client.js'
import { createVersion1Database } from '../helpers/old-database.js'
import { startServerProcess } from '../helpers/server-process.js'
import { getJson, startTestApp, tempDir, type TestApp } from '../helpers/test-app.js'
import { postZipkinV2, zipkinSpan } from '../helpers/zipkin-spans.js'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
function freshDir(): string {
  const dir = tempDir()
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

describe('admin port', () => {
  let app: TestApp
  afterEach(async () => {
    await app?.close()
    app?.removeFiles()
  })

  it('answers health like Jaeger and Prometheus metrics of ingest, queue, commits and database', async () => {
    app = await startTestApp()
    const health = await getJson<{ status: string; upSince: string; uptime: string }>(`${app.urls.admin}/`)
    expect(health.status).toBe(200)
    expect(health.body.status).toBe('Server available')
    expect(Date.parse(health.body.upSince)).toBeLessThanOrEqual(Date.now())
    expect(health.body.uptime).toMatch(/^[\d.hms]+s$/)

    await postZipkinV2(app.urls.zipkin, [zipkinSpan({ service: 'metered' }), zipkinSpan({ service: 'metered' })])
    await postZipkinV2(app.urls.zipkin, '[{"broken"')
    const metrics = await (await fetch(`${app.urls.admin}/metrics`)).text()
    expect(metrics).toContain('spanlite_spans_received_total{transport="http",format="zipkin-v2-json"} 2')
    expect(metrics).toContain('spanlite_spans_saved_total{transport="http",format="zipkin-v2-json"} 2')
    expect(metrics).toContain('spanlite_http_requests_total{listener="zipkin",status="202"} 1')
    expect(metrics).toContain('spanlite_http_requests_total{listener="zipkin",status="400"} 1')
    expect(metrics).toContain('spanlite_queue_length_spans 0')
    expect(metrics).toMatch(/spanlite_queue_capacity_spans \d+/)
    expect(metrics).toContain('spanlite_batch_commit_seconds_count 1')
    expect(metrics).toMatch(/spanlite_database_bytes\{kind="file"\} [1-9]\d*/)
    expect(metrics).toContain('spanlite_retention_purged_spans_total{reason="age"} 0')
  })

  it('answers 503 for health and 500 for spans, and keeps answering queries, once the storage writer thread stopped', async () => {
    app = await startTestApp()
    const kept = zipkinSpan({ service: 'before-the-crash' })
    expect((await postZipkinV2(app.urls.zipkin, [kept])).status).toBe(202)
    // The thread dies as it would on a fatal error inside it.
    const writer = await (app.storage as unknown as { writer: Promise<{ thread: Worker }> }).writer
    await writer.thread.terminate()
    await expect.poll(async () => (await fetch(`${app.urls.admin}/`)).status).toBe(503)
    const refused = await postZipkinV2(app.urls.zipkin, [zipkinSpan({ service: 'after-the-crash' })])
    expect(refused.status).toBe(500)
    const { body } = await jaegerGet<string[]>(app.urls.query, '/api/services')
    expect(body.data).toEqual(['before-the-crash'])
  })

  it('counts gRPC calls by service, method and status code', async () => {
    app = await startTestApp()
    const collector = new JaegerGrpcClient(app.urls.jaegerGrpc, 'CollectorService')
    const query = new JaegerGrpcClient(app.urls.queryGrpc, 'QueryService')
    try {
      expect(await collector.unary('PostSpans', { batch: { spans: [], process: { serviceName: 'metered' } } })).toEqual({})
      await expect(collector.unaryBytes('PostSpans', Buffer.from([0x0a, 0x05, 0x0a]))).rejects.toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT })
      expect(await query.unary('GetServices', {})).toMatchObject({ services: [] })
      await expect(query.unary('ArchiveTrace', { traceId: Buffer.alloc(16, 1) })).rejects.toMatchObject({ code: GrpcStatus.UNIMPLEMENTED })
      await expect(query.stream('GetTrace', { traceId: Buffer.alloc(3) })).rejects.toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT })
    } finally {
      collector.close()
      query.close()
    }
    const metrics = await (await fetch(`${app.urls.admin}/metrics`)).text()
    const calls = (service: string, method: string, code: string) => `spanlite_grpc_requests_total{service="jaeger.api_v2.${service}",method="${method}",code="${code}"} 1\n`
    expect(metrics).toContain(calls('CollectorService', 'PostSpans', 'OK'))
    expect(metrics).toContain(calls('CollectorService', 'PostSpans', 'INVALID_ARGUMENT'))
    expect(metrics).toContain(calls('QueryService', 'GetServices', 'OK'))
    expect(metrics).toContain(calls('QueryService', 'ArchiveTrace', 'UNIMPLEMENTED'))
    expect(metrics).toContain(calls('QueryService', 'GetTrace', 'INVALID_ARGUMENT'))
  })
})

describe('the server process', () => {
  it('stops at start-up with exit code 2 and names an invalid option', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', '--query-port', 'eighty'], { encoding: 'utf8' })
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('--query-port (SPANLITE_QUERY_PORT)')
    const env = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], { encoding: 'utf8', env: { ...process.env, SPANLITE_PIPELINE_BATCH_MAX_SPANS: '-3' } })
    expect(env.status).toBe(2)
    expect(env.stderr).toContain('--pipeline-batch-max-spans (SPANLITE_PIPELINE_BATCH_MAX_SPANS)')
  })

  it('lists its options with --help', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', '--help'], { encoding: 'utf8' })
    expect(result.status).toBe(0)
    for (const option of ['--zipkin-port', '--query-port', '--admin-port', '--storage-path', '--retention-max-age-hours', '--ingest-max-body-bytes']) {
      expect(result.stdout).toContain(option)
    }
  })

  it('reports 503 on the admin port until its database is open and migrated', async () => {
    // An old database that needs a migration, locked by another writer: start-up waits for it.
    const dbPath = join(freshDir(), 'locked.db')
    createVersion1Database(dbPath, [])
    const locker = new Database(dbPath)
    locker.exec('BEGIN EXCLUSIVE')
    const adminPort = 20000 + Math.floor(Math.random() * 20000)
    const starting = startServerProcess(dbPath, ['--admin-port', String(adminPort)])
    let status = 0
    for (let i = 0; i < 100 && status !== 503; i++) {
      status = await fetch(`http://127.0.0.1:${adminPort}/`).then((r) => r.status, () => 0)
      if (status !== 503) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(status).toBe(503)
    locker.exec('COMMIT')
    locker.close()
    const server = await starting
    cleanups.push(async () => {
      server.child.kill('SIGTERM')
      await server.exited
    })
    expect((await fetch(`${server.urls.admin}/`)).status).toBe(200)
  })

  it('on SIGTERM finishes what it acknowledged, exits 0, and logs a few JSON lines, not one per span', async () => {
    const dbPath = join(freshDir(), 'graceful.db')
    const server = await startServerProcess(dbPath)
    const acknowledged: string[] = []
    let stopped = false
    const client = async () => {
      while (!stopped) {
        const spans = Array.from({ length: 20 }, () => zipkinSpan({ service: 'graceful' }))
        const answer = await postZipkinV2(server.urls.zipkin!, spans).catch(() => undefined)
        if (answer?.status === 202) acknowledged.push(...spans.map((s) => s.traceId))
        else if (answer === undefined || answer.status === 503) return
      }
    }
    const clients = [client(), client(), client()]
    while (acknowledged.length < 300) await new Promise((resolve) => setTimeout(resolve, 5))
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
    stopped = true
    await Promise.all(clients)

    const lines = server.output().trim().split('\n')
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow()
    expect(lines.length).toBeLessThan(20)
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toContain('stopped')

    const restarted = await startServerProcess(dbPath)
    cleanups.push(async () => {
      restarted.child.kill('SIGTERM')
      await restarted.exited
    })
    const missing: string[] = []
    for (const traceId of acknowledged) {
      if ((await jaegerGet(restarted.urls.query!, `/api/traces/${traceId}`)).status !== 200) missing.push(traceId)
    }
    expect(missing).toEqual([])
  })
})
