import type { MiddlewareHandler } from 'hono';
import { RequestEnd } from '../telemetry/request-end';
import { Trace } from '../telemetry/trace';
import type { AppEnv } from './context';
import { recordStats } from './stats';

/**
 * First stage: one trace per request (request id, W3C trace context continued from the caller),
 * the two id headers on every response, and one structured log line once the response, or the
 * stream, has finished — written from `waitUntil`, never on the response's path, as are the
 * hand-off of the trace's spans to the isolate's OTLP exporter and the request folded into the
 * isolate's stats.
 */
export function traceRequests({ log = (line: string) => console.log(line) } = {}): MiddlewareHandler<AppEnv> {
  return async function trace(c, next) {
    const t = new Trace(c.req.header('traceparent'));
    const end = new RequestEnd();
    c.set('trace', t);
    c.set('end', end);
    t.set('method', c.req.method);
    t.set('path', c.req.path);
    await next();
    c.res.headers.set('x-request-id', t.requestId);
    c.res.headers.set('traceparent', t.traceparent);
    t.status = c.res.status;
    end.handlerReturned(c.res.status);
    c.executionCtx.waitUntil(
      end.promise.then((outcome) => {
        t.set('outcome', outcome);
        t.finish();
        log(JSON.stringify(t.toLogRecord()));
        return Promise.all([c.get('state').traces.record(t, c.env), recordStats(c, t, log)]);
      }),
    );
  };
}
