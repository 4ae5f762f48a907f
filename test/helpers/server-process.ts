/**
 * spanlite as its own process, for tests that kill or signal it (`src/main.ts` under tsx) and
 * for the benchmark (the built `dist/main.js`).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface ServerProcess {
  child: ChildProcess
  urls: Record<string, string>
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | NodeJS.Signals>
  output(): string
}

export async function startServerProcess(dbPath: string, extraArgs: string[] = [], options: { compiled?: boolean } = {}): Promise<ServerProcess> {
  // The compiled server runs as `npm start` runs it, heap limit and allocator setting included.
  const entry = options.compiled ? ['--max-old-space-size=256', '--heap-growing-percent=200', '--gc-memory-reducer-start-delay-ms=2000', 'dist/main.js'] : ['--import', 'tsx', 'src/main.ts']
  const env = options.compiled ? { ...process.env, MALLOC_ARENA_MAX: '1' } : process.env
  const args = [...entry, '--storage-path', dbPath, '--log-level', 'info']
  // Every listener on a free port, so server processes run side by side.
  for (const listener of ['zipkin', 'query', 'admin', 'jaeger-http', 'jaeger-grpc', 'query-grpc']) args.push(`--${listener}-host`, '127.0.0.1', `--${listener}-port`, '0')
  const child = spawn(process.execPath, [...args, ...extraArgs], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code ?? -1)))
  const urls = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`spanlite did not start within 20 s:\n${output}`)), 20_000)
    const check = () => {
      const started = output
        .split('\n')
        .map((line) => (line.startsWith('{') ? (JSON.parse(line) as { msg?: string; urls?: Record<string, string> }) : {}))
        .find((entry) => entry.msg === 'spanlite started')
      if (started?.urls) {
        clearTimeout(timer)
        resolve(started.urls)
      }
    }
    child.stdout!.on('data', check)
    void exited.then(() => reject(new Error(`spanlite exited during start:\n${output}`)))
  })
  return { child, urls, exited, output: () => output }
}
