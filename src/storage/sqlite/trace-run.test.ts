import { describe, expect, it } from 'vitest'
import { PARENT_DELETED, type RunSpan, runSpanCount, runStartUs, TracePositions } from './trace-run.js'

const span = (fields: Partial<RunSpan>): RunSpan => ({
  contentHash: 0xcd,
  spanIdLow: 1,
  parentIdLow: 0,
  serviceId: 3,
  endpoint: 0x34,
  kind: undefined,
  shared: false,
  error: false,
  remoteServiceId: 0,
  ...fields,
})

describe('trace runs', () => {
  const first = {
    startUs: 1_700_000_040_000_000,
    spans: [
      // A child before its parent, and a parent outside the trace's runs.
      span({ spanIdLow: 10, parentIdLow: 11, kind: 'client', error: true, remoteServiceId: 9 }),
      span({ spanIdLow: 11, parentIdLow: 0xffff_fffe, kind: 'server', shared: true, serviceId: 4, endpoint: 7 }),
      span({ spanIdLow: 12, parentIdLow: 10, kind: 'internal', serviceId: 4, endpoint: 7 }),
    ],
  }
  // Spans that name spans and hosts of the first run.
  const second = {
    startUs: 0,
    spans: [span({ spanIdLow: 13, parentIdLow: 12, kind: 'consumer', serviceId: 200_000, endpoint: 0 }), span({ spanIdLow: 14, parentIdLow: 11, kind: 'producer', serviceId: 4, endpoint: 7 })],
  }

  it('read back as written, spans named by position within a run and across runs', () => {
    const writer = new TracePositions()
    const columns = [writer.encode(first), writer.encode(second)]
    expect(new TracePositions().decode(columns)).toEqual([first, second])
    expect(columns.map(runSpanCount)).toEqual([3, 2])
  })

  it('go on from the positions of the runs read, and name spans retention deleted as gone', () => {
    const writer = new TracePositions()
    const firstColumn = writer.encode(first)
    const reader = new TracePositions()
    reader.decode([firstColumn])
    const secondColumn = reader.encode(second)
    expect(new TracePositions().decode([firstColumn, secondColumn])).toEqual([first, second])
    const [alone] = new TracePositions().decode([secondColumn])
    expect(alone!.spans.map((s) => [s.parentIdLow, s.serviceId])).toEqual([
      [PARENT_DELETED, 200_000],
      [PARENT_DELETED, 0],
    ])
  })

  it('start at the minute of their earliest span that has a start', () => {
    expect(runStartUs([0, 1_700_000_061_500_000, 1_700_000_099_000_000])).toBe(1_700_000_040_000_000)
    expect(runStartUs([0, 0])).toBe(0)
  })
})
