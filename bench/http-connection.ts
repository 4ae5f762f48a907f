/**
 * One keep-alive HTTP/1.1 connection for the load generators, with no more to it than they need:
 * it writes a POST and reads back the answer's status code. The load generators share the
 * server's two cores, so their cost is taken from what is measured: node:http's client took
 * about 105 us of CPU a request, a third of a core at Envoy-size batches.
 */
import net from 'node:net'

const EMPTY = Buffer.alloc(0)
const HEAD_END = Buffer.from('\r\n\r\n')

export class HttpConnection {
  private socket: net.Socket | undefined
  private pending: { resolve(status: number): void; reject(error: Error): void } | undefined
  private received: Buffer = EMPTY

  constructor(private readonly url: URL) {}

  /** Sends one request and resolves with the status code once the whole answer has been read. */
  post(contentType: string, body: Uint8Array): Promise<number> {
    if (this.pending) return Promise.reject(new Error('a request is already waiting on this connection'))
    const socket = this.socket ?? this.connect()
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject }
      const head = `POST ${this.url.pathname} HTTP/1.1\r\nhost: ${this.url.host}\r\ncontent-type: ${contentType}\r\ncontent-length: ${body.length}\r\n\r\n`
      socket.cork()
      socket.write(head, 'latin1')
      socket.write(body)
      socket.uncork()
    })
  }

  close(): void {
    this.socket?.destroy()
    this.socket = undefined
  }

  private connect(): net.Socket {
    const socket = net.connect({ host: this.url.hostname, port: Number(this.url.port) })
    socket.setNoDelay(true)
    // Events of a connection already given up are ignored: a later one may be open by then.
    socket.on('data', (chunk: Buffer) => socket === this.socket && this.receive(chunk))
    socket.on('error', (error) => socket === this.socket && this.fail(error))
    socket.on('close', () => socket === this.socket && this.fail(new Error('the server closed the connection')))
    this.socket = socket
    return socket
  }

  private receive(chunk: Buffer): void {
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk])
    const headEnd = this.received.indexOf(HEAD_END)
    if (headEnd < 0) return
    const head = this.received.toString('latin1', 0, headEnd)
    const length = /\r\ncontent-length: *(\d+)/i.exec(head)
    if (!length) return this.fail(new Error(`an answer without content-length: ${head.split('\r\n', 1)[0]}`))
    const end = headEnd + HEAD_END.length + Number(length[1])
    if (this.received.length < end) return
    if (this.received.length > end) return this.fail(new Error('bytes after the answer to the one request sent'))
    this.received = EMPTY
    if (/\r\nconnection: *close/i.test(head)) this.close()
    const pending = this.pending
    this.pending = undefined
    pending?.resolve(Number(head.slice('HTTP/1.1 '.length, 'HTTP/1.1 '.length + 3)))
  }

  private fail(error: Error): void {
    this.close()
    this.received = EMPTY
    const pending = this.pending
    this.pending = undefined
    pending?.reject(error)
  }
}
