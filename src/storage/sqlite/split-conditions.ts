import type { TraceQuery } from '../storage.js'

/**
 * A query's conditions one by one, each with the service and time window: every tag, key and
 * remote service condition, and the span name with the duration range as one more.
 */
export function splitConditions(query: TraceQuery): TraceQuery[] {
  const base: TraceQuery = { tags: [], limit: query.limit }
  if (query.serviceName !== undefined) base.serviceName = query.serviceName
  if (query.startTimeMinUs !== undefined) base.startTimeMinUs = query.startTimeMinUs
  if (query.startTimeMaxUs !== undefined) base.startTimeMaxUs = query.startTimeMaxUs
  const conditions: TraceQuery[] = [
    ...query.tags.map((tag) => ({ ...base, tags: [tag] })),
    ...(query.tagKeysOrAnnotations ?? []).map((key) => ({ ...base, tagKeysOrAnnotations: [key] })),
  ]
  if (query.remoteServiceName !== undefined) conditions.push({ ...base, remoteServiceName: query.remoteServiceName })
  if (query.operationName !== undefined || query.durationMinUs !== undefined || query.durationMaxUs !== undefined) {
    const condition: TraceQuery = { ...base }
    if (query.operationName !== undefined) condition.operationName = query.operationName
    if (query.durationMinUs !== undefined) condition.durationMinUs = query.durationMinUs
    if (query.durationMaxUs !== undefined) condition.durationMaxUs = query.durationMaxUs
    conditions.push(condition)
  }
  return conditions
}
