/**
 * Reads the configuration from command-line flags and SPANLITE_* environment variables
 * (flags win), both named after the schema's paths: storage.path is `--storage-path`
 * and SPANLITE_STORAGE_PATH.
 */
import { z } from 'zod'
import { type Config, configSchema } from './schema.js'

export interface ConfigOption {
  /** Path in the config object, e.g. ['pipeline', 'batchMaxSpans']. */
  path: string[]
  flag: string
  env: string
  description: string
  defaultValue: unknown
}

/** Every leaf of the schema as a flag and an environment variable. */
export function configOptions(): ConfigOption[] {
  const options: ConfigOption[] = []
  const walk = (schema: JsonSchema, path: string[]) => {
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      const here = [...path, key]
      if (property.type === 'object') {
        walk(property, here)
        continue
      }
      const words = here.flatMap((part) => part.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(' '))
      options.push({
        path: here,
        flag: `--${words.join('-')}`,
        env: `SPANLITE_${words.join('_').toUpperCase()}`,
        description: property.description ?? '',
        defaultValue: property.default,
      })
    }
  }
  walk(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema, [])
  return options
}

interface JsonSchema {
  type?: string
  description?: string
  default?: unknown
  properties?: Record<string, JsonSchema>
}

export class ConfigError extends Error {}

export type CommandLine = { help: true } | { help: false; config: Config }

/** Parses flags and environment; throws ConfigError naming every bad option. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): CommandLine {
  const options = configOptions()
  const input: Record<string, unknown> = {}
  const set = (option: ConfigOption, value: string) => {
    let node = input
    for (const key of option.path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>
    node[option.path.at(-1)!] = value
  }
  for (const option of options) {
    const value = env[option.env]
    if (value !== undefined) set(option, value)
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--help' || arg === '-h') return { help: true }
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    const option = options.find((o) => o.flag === flag)
    if (!option) throw new ConfigError(`unknown option ${flag}; see --help for the options`)
    const value = inline ?? argv[++i]
    if (value === undefined) throw new ConfigError(`option ${flag} needs a value`)
    set(option, value)
  }
  const parsed = configSchema.safeParse(input)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const option = options.find((o) => o.path.join('.') === issue.path.join('.'))
      const name = option ? `${option.flag} (${option.env})` : issue.path.join('.')
      return `  ${name}: ${issue.message}`
    })
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`)
  }
  return { help: false, config: parsed.data }
}

export function helpText(): string {
  const rows = configOptions().map((o) => {
    const value = o.defaultValue === undefined ? '' : ` (default: ${String(o.defaultValue)})`
    return `  ${o.flag.padEnd(34)} ${o.description}${value}\n  ${''.padEnd(34)} env ${o.env}`
  })
  return [
    'Usage: spanlite [options]',
    '',
    'A Jaeger- and Zipkin-compatible trace collector and query server on SQLite.',
    'Every option can also be set with its environment variable; flags win.',
    '',
    'Options:',
    '  --help, -h                         show this help',
    ...rows,
    '',
  ].join('\n')
}
