/**
 * spanlite as its own process, for tests that kill or signal it (`src/main.ts` under tsx) and
 * for the benchmark (the built `dist/main.js`).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/**
 * The node flags and environment variables `npm start` gives the built server, read from
 * package.json so that the benchmark's server runs as a user's does.
 */
function npmStartLaunch(): { nodeFlags: string[]; env: Record<string, string> } {
  const start = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: { start: string } }).scripts.start
  const launch = /&& ((?:\w+=\S+ )*)node ((?:--\S+ )*)dist\/main\.js$/.exec(start)
  if (!launch) throw new Error(`package.json's start script does not end in '&& [VAR=value ...] node [--flag ...] dist/main.js': ${start}`)
  const env = Object.fromEntries([...launch[1]!.matchAll(/(\w+)=(\S+)/g)].map(([, name, value]) => [name!, value!]))
  return { nodeFlags: launch[2]!.split(' ').filter(Boolean), env }
}

export interface ServerProcess {
  child: ChildProcess
  urls: Record<string, string>
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | NodeJS.Signals>
  output(): string
}

export async function startServerProcess(dbPath: string, extraArgs: string[] = [], options: { compiled?: boolean } = {}): Promise<ServerProcess> {
  const launch = options.compiled ? npmStartLaunch() : undefined
  const entry = launch ? [...launch.nodeFlags, 'dist/main.js'] : ['--import', 'tsx', 'src/main.ts']
  const env = launch ? { ...process.env, ...launch.env } : process.env
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
