# Zipkin v1 span structs as spanlite reads them from `POST /api/v1/spans`
# (Content-Type: application/x-thrift). Field ids and types follow Zipkin's
# published v1 Thrift schema, so bytes from any Zipkin v1 Thrift encoder decode here.
# spanlite decodes these with the `thrift` package's TBinaryProtocol; no code is generated.

namespace java spanlite.zipkin.v1

# The host that recorded an annotation.
struct Endpoint {
  # IPv4 address packed into 4 bytes, big-endian; 0 when unknown.
  1: i32 ipv4
  # Port; 0 when unknown. Read as unsigned.
  2: i16 port
  3: string service_name
  # 16 bytes when the host has an IPv6 address.
  4: optional binary ipv6
}

# An event at a point in time: "cs", "sr", "ss", "cr", "ms", "mr", "ws", "wr" or free text.
struct Annotation {
  # Epoch microseconds.
  1: i64 timestamp
  2: string value
  3: optional Endpoint host
}

# How a binary annotation's bytes are to be read (numbers are big-endian).
enum AnnotationType {
  BOOL = 0,
  BYTES = 1,
  I16 = 2,
  I32 = 3,
  I64 = 4,
  DOUBLE = 5,
  STRING = 6
}

# A tag; "ca", "sa" and "ma" with a true BOOL value name the client, server or broker address.
struct BinaryAnnotation {
  1: string key
  2: binary value
  3: AnnotationType annotation_type
  4: optional Endpoint host
}

struct Span {
  # Low 64 bits of the trace id.
  1: i64 trace_id
  3: string name
  4: i64 id
  5: optional i64 parent_id
  6: list<Annotation> annotations
  8: list<BinaryAnnotation> binary_annotations
  9: optional bool debug = 0
  # Epoch microseconds; absent when this host did not start the span.
  10: optional i64 timestamp
  11: optional i64 duration
  # High 64 bits of a 128-bit trace id.
  12: optional i64 trace_id_high
}
