import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../../errors.js'
import { parseAnnotationQuery, parseDependenciesQuery, parseTraceIds, parseTracesQuery } from './params.js'

describe('Zipkin query parameters', () => {
  it('splits annotationQuery into tag conditions and bare keys', () => {
    expect(parseAnnotationQuery('http.method=GET and error and a=b=c and x=')).toEqual({
      tags: [
        { key: 'http.method', value: 'GET' },
        { key: 'a', value: 'b=c' },
      ],
      keys: ['error', 'x'],
    })
    expect(() => parseAnnotationQuery('=v')).toThrow(InvalidInputError)
  })

  it('turns endTs/lookback in ms into a microsecond window, with Zipkin defaults', () => {
    const query = parseTracesQuery({ serviceName: 'web', spanName: 'all', minDuration: '5', endTs: '2000', lookback: '500' }, 0)
    expect(query).toEqual({ tags: [], serviceName: 'web', startTimeMinUs: 1_500_000, startTimeMaxUs: 2_000_000, durationMinUs: 5, limit: 10, conditionsAcrossSpans: true })
    const defaults = parseTracesQuery({}, 100_000_000)
    expect(defaults).toMatchObject({ startTimeMinUs: (100_000_000 - 86_400_000) * 1000, startTimeMaxUs: 100_000_000_000, limit: 10 })
  })

  it('rejects what Zipkin rejects', () => {
    expect(() => parseTracesQuery({ limit: '0' }, 0)).toThrow('limit must be greater than 0')
    expect(() => parseTracesQuery({ minDuration: '10', maxDuration: '5' }, 0)).toThrow('maxDuration should be >= minDuration')
    expect(() => parseTracesQuery({ serviceName: ['a', 'b'] }, 0)).toThrow('serviceName was given more than once')
    expect(() => parseDependenciesQuery({})).toThrow('endTs is required')
    expect(() => parseTraceIds({ traceIds: ',' })).toThrow('traceIds parameter is empty')
    expect(() => parseTraceIds({ traceIds: 'abc,xyz' })).toThrow('xyz should be a 1 to 32 character hex string')
  })
})
