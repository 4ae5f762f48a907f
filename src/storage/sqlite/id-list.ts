/**
 * Ascending span row ids packed as LEB128 varints of their differences: the row ids of one
 * segment are close together, so most take one or two bytes.
 */
export function encodeIdList(ids: readonly number[]): Buffer {
  const bytes: number[] = []
  let previous = 0
  for (const id of ids) {
    let delta = id - previous
    previous = id
    while (delta >= 0x80) {
      bytes.push((delta % 0x80) | 0x80)
      delta = Math.floor(delta / 0x80)
    }
    bytes.push(delta)
  }
  return Buffer.from(bytes)
}

export function decodeIdList(data: Uint8Array): number[] {
  const ids: number[] = []
  let previous = 0
  let delta = 0
  let scale = 1
  for (const byte of data) {
    delta += (byte & 0x7f) * scale
    if (byte & 0x80) {
      scale *= 0x80
      continue
    }
    previous += delta
    ids.push(previous)
    delta = 0
    scale = 1
  }
  return ids
}

/** The ids present in every list (each ascending). */
export function intersectIdLists(lists: readonly number[][]): number[] {
  const [first, ...rest] = [...lists].sort((a, b) => a.length - b.length)
  if (!first) return []
  return rest.reduce((kept, list) => {
    const out: number[] = []
    let j = 0
    for (const id of kept) {
      while (j < list.length && list[j]! < id) j++
      if (list[j] === id) out.push(id)
    }
    return out
  }, first)
}
