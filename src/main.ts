#!/usr/bin/env node
/** Entry point: read the configuration, start, and shut down cleanly on SIGINT/SIGTERM. */
import { startApp } from './app.js'
import { ConfigError, helpText, loadConfig } from './config/load.js'

async function main(): Promise<void> {
  let commandLine
  try {
    commandLine = loadConfig(process.argv.slice(2), process.env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`spanlite: ${error.message}\n`)
    process.exit(2)
  }
  if (commandLine.help) {
    process.stdout.write(helpText())
    return
  }
  const app = await startApp(commandLine.config)
  process.stdout.write(
    `spanlite: storing spans in ${commandLine.config.storage.path}\n` +
      `spanlite: Zipkin API on ${app.urls.zipkin}, Jaeger query API on ${app.urls.query}\n` +
      `spanlite: Jaeger collector on ${app.urls.jaegerHttp} (Thrift over HTTP) and ${app.urls.jaegerGrpc} (gRPC), ` +
      `Jaeger gRPC query API on ${app.urls.queryGrpc}\n`,
  )
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    process.stdout.write(`spanlite: ${signal} received, committing queued spans and stopping\n`)
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`spanlite: shutdown failed: ${String(error)}\n`)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

main().catch((error: unknown) => {
  process.stderr.write(`spanlite: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
