"""Encodes one three-span trace with Debian's py_zipkin and writes the body, base64, to stdout.

Usage: py-zipkin-encode.py ENCODING TRACE_ID   (ENCODING: V1_THRIFT, V1_JSON or V2_JSON)
The trace: a frontend server span, its client call to backend, and backend's shared server half.
"""
import base64
import sys

from py_zipkin import Encoding, Kind
from py_zipkin.encoding._encoders import get_encoder
from py_zipkin.encoding._helpers import SpanBuilder, create_endpoint

encoding = Encoding[sys.argv[1]]
trace_id = sys.argv[2]

frontend = create_endpoint(port=8080, service_name='frontend', host='10.0.0.1')
backend = create_endpoint(port=9000, service_name='backend', host='10.0.0.2')

spans = [
    SpanBuilder(
        trace_id=trace_id, name='GET /checkout', parent_id=None, span_id='000000000000000a',
        timestamp=1700000000.5, duration=0.25, annotations={'cache.miss': 1700000000.625},
        tags={'http.method': 'GET', 'http.path': '/checkout'}, kind=Kind.SERVER,
        local_endpoint=frontend,
    ),
    SpanBuilder(
        trace_id=trace_id, name='get /price', parent_id='000000000000000a', span_id='000000000000000b',
        timestamp=1700000000.5625, duration=0.125, annotations={}, tags={'peer': 'backend'},
        kind=Kind.CLIENT, local_endpoint=frontend, sa_endpoint=backend,
    ),
    SpanBuilder(
        trace_id=trace_id, name='get /price', parent_id='000000000000000a', span_id='000000000000000b',
        timestamp=1700000000.578125, duration=0.0625, annotations={}, tags={'db.rows': '3'},
        kind=Kind.SERVER, local_endpoint=backend, report_timestamp=False,
    ),
]

encoder = get_encoder(encoding)
body = encoder.encode_queue([encoder.encode_span(span) for span in spans])
if isinstance(body, str):
    body = body.encode('utf-8')
sys.stdout.write(base64.b64encode(body).decode('ascii'))
