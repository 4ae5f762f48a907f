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
  app.logger.info({ urls: app.urls, database: commandLine.config.storage.path }, 'spanlite started')
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    app.logger.info({ signal }, 'stopping: finishing requests in flight and committing queued spans')
    app.close().then(
      () => {
        app.logger.info('stopped')
        process.exit(0)
      },
      (error: unknown) => {
        app.logger.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

main().catch((error: unknown) => {
  process.stderr.write(`spanlite: could not start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
