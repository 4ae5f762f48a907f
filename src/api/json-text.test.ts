import { describe, expect, it } from 'vitest'
import { countTurns } from '../../test/helpers/event-loop-turns.js'
import { toJsonBody, toJsonListParts, toJsonText } from './json-text.js'

describe('toJsonText', () => {
  it('writes bigints as numbers with every digit, and non-finite floats as strings', () => {
    expect(toJsonText({ a: 5n, b: [-9223372036854775808n, 9223372036854775807n], c: 1.5, d: Number.NaN, e: undefined, f: null, g: 's"' })).toBe(
      '{"a":5,"b":[-9223372036854775808,9223372036854775807],"c":1.5,"d":"NaN","f":null,"g":"s\\""}',
    )
    expect(toJsonText({ small: 123n, inf: -Infinity, list: [undefined] })).toBe('{"small":123,"inf":"-Infinity","list":[null]}')
  })
})

describe('toJsonBody', () => {
  it('is the UTF-8 bytes of the text, characters beyond ASCII included', () => {
    const body = toJsonBody({ name: 'żółw ✓', id: 9223372036854775807n })
    expect(body.toString('utf8')).toBe('{"name":"żółw ✓","id":9223372036854775807}')
    expect(body.length).toBe(Buffer.byteLength('{"name":"żółw ✓","id":9223372036854775807}'))
  })
})

describe('toJsonListParts', () => {
  async function* items<T>(list: T[]) {
    yield* list
  }
  it('lets the event loop turn while it renders a long list', async () => {
    // Each item takes 2 ms to render, as a large trace does.
    const slowRender = (n: number) => {
      const until = performance.now() + 2
      while (performance.now() < until);
      return n
    }
    const list = Array.from({ length: 50 }, (_, i) => i)
    const { result: parts, turns } = await countTurns(() => toJsonListParts(items(list), slowRender))
    expect(Buffer.concat(parts).toString('utf8')).toBe(JSON.stringify(list))
    expect(turns).toBeGreaterThan(1)
  })

  it('writes the list toJsonText writes of the rendered items, empty or not', async () => {
    const render = (n: number) => ({ n, big: 2n ** BigInt(n * 30), none: undefined })
    for (const list of [[], [1], [1, 2, 3]]) {
      const text = Buffer.concat(await toJsonListParts(items(list), render)).toString('utf8')
      expect(text).toBe(toJsonText(list.map(render)))
    }
  })
})
