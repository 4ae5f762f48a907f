/** Starts the real server on free loopback ports with a temporary SQLite file. */
import { afterAll, beforeAll } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type App, startApp } from '../../src/app.js'
import { type Config, configSchema } from '../../src/config/schema.js'

export interface TestApp extends App {
  dbPath: string
  /** Closes the server; the database file stays until removeFiles(). */
  close(): Promise<void>
  removeFiles(): void
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'spanlite-test-'))
}

/** Every listener on 127.0.0.1 port 0; `overrides` replaces whole sections of the config. */
export function testConfig(dbPath: string, overrides: Partial<Config> = {}): Config {
  const config = configSchema.parse({
    zipkin: { host: '127.0.0.1', port: 0 },
    query: { host: '127.0.0.1', port: 0 },
    admin: { host: '127.0.0.1', port: 0 },
    jaegerGrpc: { host: '127.0.0.1', port: 0 },
    jaegerHttp: { host: '127.0.0.1', port: 0 },
    queryGrpc: { host: '127.0.0.1', port: 0 },
    storage: { path: dbPath },
    log: { level: 'warn' },
  })
  return { ...config, ...overrides }
}

export async function startTestApp(options: { dbPath?: string; overrides?: Partial<Config> } = {}): Promise<TestApp> {
  const dir = options.dbPath ? undefined : tempDir()
  const dbPath = options.dbPath ?? join(dir!, 'spanlite.db')
  const app = await startApp(testConfig(dbPath, options.overrides))
  return {
    ...app,
    dbPath,
    removeFiles: () => {
      if (dir) rmSync(dir, { recursive: true, force: true })
    },
  }
}

export async function getJson<T = unknown>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url)
  return { status: response.status, body: (await response.json()) as T }
}

/** Polls `probe` until it returns a value other than undefined (spans are committed on ack, so this is for clients that report asynchronously). */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * The server for the tests of one describe block: started before them, closed and its files
 * removed after. The returned object is filled in when the server has started.
 */
export function useTestApp(options: Parameters<typeof startTestApp>[0] = {}): TestApp {
  const app = {} as TestApp
  beforeAll(async () => {
    Object.assign(app, await startTestApp(options))
  })
  afterAll(async () => {
    await app.close?.()
    app.removeFiles?.()
  })
  return app
}
