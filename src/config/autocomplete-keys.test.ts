import { describe, expect, it } from 'vitest'
import { loadConfig } from './load.js'

describe('autocomplete keys', () => {
  it('come from SPANLITE_AUTOCOMPLETE_KEYS or --autocomplete-keys as a comma-separated list', () => {
    const fromEnv = loadConfig([], { SPANLITE_AUTOCOMPLETE_KEYS: 'http.method, kafka.topic,' })
    expect(fromEnv.help === false && fromEnv.config.autocomplete.keys).toEqual(['http.method', 'kafka.topic'])
    const fromFlag = loadConfig(['--autocomplete-keys', 'env'], {})
    expect(fromFlag.help === false && fromFlag.config.autocomplete.keys).toEqual(['env'])
    const none = loadConfig([], {})
    expect(none.help === false && none.config.autocomplete.keys).toEqual([])
  })
})
