// The machinery shared by every simulated server: listening, call recording,
// client-abort detection, the /__sim control API and a close that never hangs.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorBody, now, parseJson, readBody, sendJson } from './http.ts';
import { isFaults } from './faults.ts';
import type { BaseFaults, FaultTable } from './faults.ts';

export interface ListenOptions {
  /** 0 (default) picks an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

/** Fields every recorded call has. Times are ms since epoch (`performance.timeOrigin + performance.now()`). */
export interface BaseCall {
  seq: number;
  startedAt: number;
  endedAt?: number;
  /** True when the client closed the connection before the sim finished its response. */
  aborted: boolean;
  /** HTTP status sent; 0 while (or if) no headers were sent. */
  status: number;
}

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  body: string;
  /** Aborted when the connection closes; every wait of the handler must honour it. */
  signal: AbortSignal;
  /** Drops the connection on purpose (cut fault); not recorded as a client abort. */
  cut(): void;
}

/** Records a call; the server fills in seq, startedAt, endedAt, aborted and status. */
export type Track<C extends BaseCall> = (fields: Omit<C, keyof BaseCall>) => C;

/** Returns false when the route is not its own (the server then answers 404). */
export type Handler<C extends BaseCall> = (ex: Exchange, track: Track<C>) => Promise<boolean>;

export interface SimServer<F extends BaseFaults, C extends BaseCall> {
  url: string;
  /** Every recorded request, in arrival order (the array is cleared in place by reset). */
  calls: C[];
  setFaults(scope: string, faults: F | null): void;
  /** Releases requests held by the `hold` fault (all scopes if omitted). */
  release(scope?: string): void;
  /** Number of requests currently held by the `hold` fault. */
  heldCount(scope?: string): number;
  /** Clears calls and faults; releases held requests. */
  reset(): void;
  /** Closes the server and destroys open sockets, so it never waits on a hanging request. */
  close(): Promise<void>;
}

export async function startSimServer<F extends BaseFaults, C extends BaseCall>(
  opts: ListenOptions,
  faults: FaultTable<F>,
  handle: Handler<C>,
): Promise<SimServer<F, C>> {
  const calls: C[] = [];
  let seq = 0;
  /** Settles when each in-flight response has closed. */
  const open = new Set<Promise<void>>();

  const sim = {
    url: '',
    calls,
    setFaults: (scope: string, f: F | null) => faults.set(scope, f),
    release: (scope?: string) => faults.release(scope),
    heldCount: (scope?: string) => faults.heldCount(scope),
    reset: () => {
      calls.length = 0;
      seq = 0;
      faults.reset();
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      // Wait for every response's close too, so recorded calls are final once close() resolves.
      await Promise.all([closed, ...open]);
    },
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = now();
    const abort = new AbortController();
    let cutBySim = false;
    const closed = new Promise<void>((resolve) =>
      res.once('close', () => {
        abort.abort(new Error('connection closed')); // stops the handler's timers and waits
        open.delete(closed);
        resolve();
      }),
    );
    open.add(closed);
    const url = new URL(req.url ?? '/', 'http://sim.invalid');

    const track: Track<C> = (fields) => {
      const call = { seq: ++seq, ...fields, startedAt, aborted: false, status: 0 } as C;
      calls.push(call);
      const end = () => {
        call.endedAt ??= now();
        if (res.headersSent) call.status = res.statusCode;
        if (!res.writableFinished && !cutBySim) call.aborted = true;
      };
      res.on('finish', end);
      res.on('close', end);
      return call;
    };

    try {
      const body = req.method === 'POST' ? await readBody(req) : '';
      if (url.pathname.startsWith('/__sim/')) return control(req.method ?? 'GET', url, body, res);
      const cut = () => {
        cutBySim = true;
        // end() flushes what was already written (Node corks until the next tick), then the
        // connection drops with the chunked body unfinished, which clients see as an error.
        const socket = res.socket;
        if (socket) socket.end(() => socket.destroy());
        else res.destroy();
      };
      const ex: Exchange = { req, res, url, body, signal: abort.signal, cut };
      if (!(await handle(ex, track))) sendJson(res, 404, errorBody(404, `No route for ${req.method} ${url.pathname}`));
    } catch (err) {
      if (abort.signal.aborted) return; // client went away mid-wait: nothing left to do
      console.error('sim: request failed', err);
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, errorBody(500, String(err)));
    }
  }

  /** The control API, for when the sim runs in another process. */
  function control(method: string, url: URL, body: string, res: ServerResponse): void {
    const scope = url.searchParams.get('scope') ?? undefined;
    const path = url.pathname.slice('/__sim/'.length);
    if (method === 'POST' && path.startsWith('faults/')) {
      const parsed = parseJson(body || 'null');
      if (!parsed.ok) return sendJson(res, 400, errorBody(400, parsed.message));
      if (parsed.value !== null && !isFaults(parsed.value)) {
        return sendJson(res, 400, errorBody(400, 'faults must be null or a flat object of numbers and booleans'));
      }
      faults.set(decodeURIComponent(path.slice('faults/'.length)), parsed.value as F | null);
      return sendJson(res, 200, { ok: true });
    }
    const route = `${method} ${path}`;
    if (route === 'POST release') faults.release(scope);
    else if (route === 'POST reset') sim.reset();
    else if (route === 'GET calls') return sendJson(res, 200, calls);
    else if (route === 'GET held') return sendJson(res, 200, { held: faults.heldCount(scope) });
    else return sendJson(res, 404, errorBody(404, `No control route ${method} ${url.pathname}`));
    sendJson(res, 200, { ok: true });
  }

  const server = createServer({ noDelay: true, requestTimeout: 0 }, (req, res) => void serve(req, res));
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  sim.url = `http://${shown}:${port}`;
  return sim;
}
