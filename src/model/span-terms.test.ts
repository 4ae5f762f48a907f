import { describe, expect, it } from 'vitest'
import { modelSpan } from '../../test/helpers/model-spans.js'
import { ANNOTATION_FIELD } from './span.js'
import { keyTerm, remoteServiceTerm, spanTermHashes, spanTerms, tagTerm } from './span-terms.js'
import { hashString } from './string-hash.js'

describe('span terms', () => {
  const span = modelSpan({
    service: 'shop',
    tags: [
      { key: 'http.method', type: 'string', value: 'GET' },
      { key: 'retries', type: 'int64', value: 3n },
    ],
  })
  span.process.tags = [{ key: 'host', type: 'string', value: 'a' }]
  span.logs = [{ timestampUs: 1, fields: [{ key: ANNOTATION_FIELD, type: 'string', value: 'cache miss' }] }]
  span.remoteEndpoint = { serviceName: 'db' }

  it('has a term for each tag, process tag, log field, tag key, annotation and the remote service', () => {
    expect([...spanTerms(span)].sort()).toEqual(
      [
        tagTerm('http.method', 'GET'),
        tagTerm('retries', '3'),
        tagTerm('host', 'a'),
        tagTerm(ANNOTATION_FIELD, 'cache miss'),
        keyTerm('cache miss'),
        keyTerm('http.method'),
        keyTerm('retries'),
        remoteServiceTerm('db'),
      ].sort(),
    )
  })

  it('hashes each term once, as hashString does', () => {
    span.tags.push({ key: 'http.method', type: 'string', value: 'GET' })
    expect(spanTermHashes(span).sort()).toEqual([...spanTerms(span)].map(hashString).sort())
  })
})
