/**
 * The query phase's floor: a bare `node:http` server that answers every GET with the same
 * 35 KB of JSON, about the size of a trace by id's answer, and does nothing else. Timed by the
 * same client in the same rounds as spanlite's queries, it shows how much of a latency's tail
 * is the shared machine's own (scheduling, the loopback, the client) rather than the server's
 * work. Run by bench/queries.ts through child_process.fork; reports its port once listening.
 */
import http from 'node:http'

const ANSWER_BYTES = 35_000
const span = (i: number) => ({ traceID: 'a'.repeat(32), spanID: i.toString(16).padStart(16, '0'), operationName: 'GET /api/items', tags: [{ key: 'http.status_code', type: 'string', value: '200' }] })
const spans = []
while (JSON.stringify({ data: [{ spans }] }).length < ANSWER_BYTES) spans.push(span(spans.length))
const answer = Buffer.from(JSON.stringify({ data: [{ spans }] }))

const server = http.createServer((request, response) => {
  request.resume()
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length })
  response.end(answer)
})
server.listen(0, '127.0.0.1', () => process.send!((server.address() as { port: number }).port))
process.once('disconnect', () => server.close())
