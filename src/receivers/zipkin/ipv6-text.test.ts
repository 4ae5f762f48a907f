import { describe, expect, it } from 'vitest'
import { ipv6Text } from './ipv6-text.js'

describe('ipv6Text', () => {
  it('prints IPv6 addresses in their short form', () => {
    expect(ipv6Text(Buffer.from('00000000000000000000000000000001', 'hex'))).toBe('::1')
    expect(ipv6Text(Buffer.from('fe800000000000000202b3fffe1e8329', 'hex'))).toBe('fe80::202:b3ff:fe1e:8329')
    expect(ipv6Text(Buffer.from('20010db8000100000001000000000001', 'hex'))).toBe('2001:db8:1:0:1::1')
    expect(ipv6Text(Buffer.alloc(4))).toBeUndefined()
  })
})
