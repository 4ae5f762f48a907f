import { describe, expect, it } from 'vitest'
import { ConfigError, helpText, loadConfig } from './load.js'

describe('loadConfig', () => {
  it('takes defaults, then environment variables, then flags', () => {
    const result = loadConfig(['--zipkin-port', '1234', '--pipeline-batch-max-spans=7'], { SPANLITE_ZIPKIN_PORT: '5', SPANLITE_STORAGE_PATH: '/tmp/x.db' })
    expect(result).toMatchObject({ help: false, config: { zipkin: { host: '0.0.0.0', port: 1234 }, query: { port: 16686 }, storage: { path: '/tmp/x.db' }, pipeline: { batchMaxSpans: 7 } } })
  })

  it('names the option that is wrong', () => {
    expect(() => loadConfig(['--zipkin-port', 'abc'], {})).toThrow(ConfigError)
    expect(() => loadConfig(['--zipkin-port', 'abc'], {})).toThrow(/--zipkin-port \(SPANLITE_ZIPKIN_PORT\)/)
    expect(() => loadConfig([], { SPANLITE_QUERY_PORT: '70000' })).toThrow(/--query-port/)
    expect(() => loadConfig(['--no-such-option', '1'], {})).toThrow(/unknown option --no-such-option/)
    expect(() => loadConfig(['--storage-path'], {})).toThrow(/needs a value/)
  })

  it('lists every option with its default in --help', () => {
    expect(loadConfig(['--help'], {})).toEqual({ help: true })
    expect(helpText()).toMatch(/--storage-path\s+SQLite database file .*\(default: \.\/data\/spanlite\.db\)/)
    expect(helpText()).toContain('SPANLITE_PIPELINE_QUEUE_CAPACITY_SPANS')
  })
})
