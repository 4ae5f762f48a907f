/**
 * The errors spanlite raises on purpose. Each API renders them in its own dialect;
 * anything else is an internal error (500 / INTERNAL) whose message is logged, not sent.
 */
import { status as GrpcStatus } from '@grpc/grpc-js'

export abstract class SpanliteError extends Error {
  abstract readonly httpStatus: number
  abstract readonly grpcCode: GrpcStatus
}

/** The request is malformed: the message names the field and what was expected. */
export class InvalidInputError extends SpanliteError {
  readonly httpStatus = 400
  readonly grpcCode = GrpcStatus.INVALID_ARGUMENT
}

/** The ingest queue is full; the client should retry later. */
export class BusyError extends SpanliteError {
  readonly httpStatus = 503
  readonly grpcCode = GrpcStatus.RESOURCE_EXHAUSTED
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message)
  }
}

/** The request is larger than the configured limits (body bytes, spans per request). */
export class TooLargeError extends SpanliteError {
  readonly httpStatus = 413
  readonly grpcCode = GrpcStatus.RESOURCE_EXHAUSTED
}

export class NotFoundError extends SpanliteError {
  readonly httpStatus = 404
  readonly grpcCode = GrpcStatus.NOT_FOUND
}

/** The server is stopping and takes no new spans. */
export class ShuttingDownError extends SpanliteError {
  readonly httpStatus = 503
  readonly grpcCode = GrpcStatus.UNAVAILABLE
}
