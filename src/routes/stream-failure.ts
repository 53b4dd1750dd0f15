import { logInternalError, toGatewayError, type GatewayError } from '../errors';
import type { Trace } from '../telemetry/trace';

/** A failure after a stream opened: recorded on the trace (a bug's details logged), for the shape to write. */
export function streamFailure(trace: Trace, err: unknown): GatewayError {
  const e = toGatewayError(err);
  trace.errorCode = e.code;
  if (e.code === 'internal_error') logInternalError(trace.requestId, e.cause);
  return e;
}
