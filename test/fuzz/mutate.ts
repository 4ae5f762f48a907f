/** Seeded random bodies for fuzzing: byte-level mutations of valid bodies, and random JSON. */

/** A small seeded PRNG (xorshift32), so a failing run can be replayed from its seed. */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0 || 1
  return () => {
    state ^= state << 13
    state >>>= 0
    state ^= state >>> 17
    state ^= state << 5
    state >>>= 0
    return state / 0x100000000
  }
}

export function mutateBytes(seed: Buffer, random: () => number): Buffer {
  const bytes = Buffer.from(seed)
  const int = (n: number) => Math.floor(random() * n)
  switch (int(5)) {
    case 0: // flip a few bytes
      for (let i = 0; i < 1 + int(8) && bytes.length > 0; i++) bytes[int(bytes.length)] = int(256)
      return bytes
    case 1: // truncate
      return bytes.subarray(0, int(bytes.length + 1))
    case 2: {
      // duplicate a slice somewhere
      const start = int(bytes.length + 1)
      const slice = bytes.subarray(start, start + int(64))
      const at = int(bytes.length + 1)
      return Buffer.concat([bytes.subarray(0, at), slice, bytes.subarray(at)])
    }
    case 3: {
      // insert random bytes
      const at = int(bytes.length + 1)
      const noise = Buffer.from(Array.from({ length: 1 + int(16) }, () => int(256)))
      return Buffer.concat([bytes.subarray(0, at), noise, bytes.subarray(at)])
    }
    default: // pure noise
      return Buffer.from(Array.from({ length: int(512) }, () => int(256)))
  }
}

export function randomJson(random: () => number, depth = 0): unknown {
  const int = (n: number) => Math.floor(random() * n)
  const strings = ['', 'traceId', 'id', 'tags', 'annotations', 'a'.repeat(int(100)), '\ud800', '0', 'ffffffffffffffffffffffffffffffffff', '💥']
  switch (depth > 3 ? int(4) : int(7)) {
    case 0:
      return null
    case 1:
      return random() < 0.5
    case 2:
      return [0, -1, 1.5, 2 ** 64, Number.MAX_SAFE_INTEGER, -0][int(6)]
    case 3:
      return strings[int(strings.length)]
    case 4:
    case 5:
      return Array.from({ length: int(4) }, () => randomJson(random, depth + 1))
    default:
      return Object.fromEntries(Array.from({ length: int(5) }, () => [strings[int(strings.length)]!, randomJson(random, depth + 1)]))
  }
}

/** A valid Zipkin v2 span with one field replaced by random JSON. */
export function mutateZipkinSpan(span: Record<string, unknown>, random: () => number): Record<string, unknown> {
  const keys = ['traceId', 'id', 'parentId', 'kind', 'name', 'timestamp', 'duration', 'debug', 'shared', 'localEndpoint', 'remoteEndpoint', 'annotations', 'tags']
  return { ...span, [keys[Math.floor(random() * keys.length)]!]: randomJson(random) }
}

/** A valid JSON object with one of its own fields, or a field nested one level down, replaced by random JSON. */
export function mutateJsonField(object: Record<string, unknown>, random: () => number): Record<string, unknown> {
  const keys = Object.keys(object)
  const key = keys[Math.floor(random() * keys.length)]
  if (key === undefined) return object
  const value = object[key]
  if (random() < 0.5 && Array.isArray(value) && value.length > 0) {
    const at = Math.floor(random() * value.length)
    const element = value[at] as unknown
    const replaced = element !== null && typeof element === 'object' && !Array.isArray(element) ? mutateJsonField(element as Record<string, unknown>, random) : randomJson(random)
    return { ...object, [key]: value.map((v, i) => (i === at ? replaced : v)) }
  }
  return { ...object, [key]: randomJson(random) }
}
