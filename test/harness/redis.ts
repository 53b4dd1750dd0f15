// Test-only Redis for the suites: a real `redis-server` child process, and a small bridge that
// speaks the Upstash REST protocol (what `@upstash/redis` and `@upstash/ratelimit` talk, also from
// inside workerd) and forwards every command to that server over raw RESP2 connections.
//
// Nothing here is production code and nothing here is a Redis emulation: every command is
// executed by the real server. The bridge only translates the transport, and patches the two
// things real Redis and Upstash disagree on (see "Scripts" below).
//
// Usage in a suite:
//
//   import { skipWithoutRedis, startRedis, startUpstashBridge } from './harness/redis.ts';
//   describe.skipIf(skipWithoutRedis())('…', () => {
//     beforeAll(async () => { redis = await startRedis(); bridge = await startUpstashBridge(redis.port, { token }); });
//     afterAll(async () => { await bridge?.close(); await redis?.stop(); });
//   });
//
// Missing redis-server: outside CI the suite is skipped (with a loud warning); in CI (env CI set
// to anything but '', '0' or 'false') `skipWithoutRedis()` returns false, so the suite runs and
// `startRedis()` throws — a missing Redis is a failure there, never a silent skip. Add
// `it('redis-server is installed where required', assertRedisInCI)` beside the suite so the
// failure is also counted as a failed test in the summary (not only as a failed suite).
//
// Protocol notes (checked against @upstash/redis 1.39's HttpClient and @upstash/ratelimit 2.2):
// - Every request carries `Authorization: Bearer <token>` (`?_token=` is accepted too); 401 otherwise.
// - `POST /` body `["SET","k","v"]` → `{"result": …}`; a Redis error → HTTP 400 `{"error": "ERR …"}`.
// - `POST /pipeline` and `POST /multi-exec`: body is an array of commands; the answer is an array
//   of `{result}` / `{error}` (HTTP 200 even when single commands fail). multi-exec runs them in
//   MULTI/EXEC; if EXEC itself fails (EXECABORT: a command could not be queued) → 400 `{error}`.
//   The client auto-pipelines by default, so almost every call arrives as `/pipeline`.
// - `Upstash-Encoding: base64` (sent by the client by default): every string in the result —
//   bulk and status replies, at any depth — is base64 of its exact bytes; integers stay numbers,
//   nil is `null`. Without the header strings are UTF-8 text. Errors are never encoded.
// - Path-style commands (`GET /get/foo`, `POST /set/foo` with the body as last argument) work too,
//   for curl; the client never uses them.
//
// Scripts: @upstash/ratelimit's Lua starts with `#!lua flags=allow-key-locking`, an Upstash-only
// flag that Redis 7.0 rejects (and Redis 6 rejects any shebang). The bridge replaces a leading `#!`
// line with an empty line (line numbers in Lua errors stay right) before EVAL / EVAL_RO / SCRIPT
// LOAD, and remembers sha1(original) → sha1(stripped). EVALSHA(_RO) and SCRIPT EXISTS of an
// original hash are translated; SCRIPT LOAD answers the original's hash. An unknown hash goes to
// Redis untouched, so Redis's own `NOSCRIPT` error comes back and the client falls back to EVAL.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// ---------------------------------------------------------------------------------------------
// redis-server
// ---------------------------------------------------------------------------------------------

/** The server binary: `REDIS_SERVER` if set, else `redis-server` on PATH. */
const REDIS_BIN = process.env.REDIS_SERVER || 'redis-server';

export const REDIS_MISSING_MESSAGE =
  `!!! ${REDIS_BIN} NOT FOUND: the Redis-backed tests need a real redis-server on PATH ` +
  `(Debian/Ubuntu: apt-get install -y redis-server; or set REDIS_SERVER=/path/to/redis-server). ` +
  `In CI (CI=true) this is a test failure, not a skip. !!!`;

/** True when running in CI: env `CI` set to anything but '', '0' or 'false'. */
export function inCI(): boolean {
  const ci = (process.env.CI ?? '').trim().toLowerCase();
  return ci !== '' && ci !== '0' && ci !== 'false';
}

let available: boolean | undefined;
/** Whether `redis-server` can be run here (`redis-server --version` exits 0). Memoized. */
export function redisAvailable(): boolean {
  if (available === undefined) {
    const r = spawnSync(REDIS_BIN, ['--version'], { stdio: 'ignore', timeout: 5000 });
    available = !r.error && r.status === 0;
  }
  return available;
}

/**
 * For `describe.skipIf(skipWithoutRedis())`: true only when redis-server is missing AND we are not
 * in CI (a warning is printed then). In CI it is always false, so the suite runs and
 * `startRedis()` fails it with REDIS_MISSING_MESSAGE.
 */
export function skipWithoutRedis(): boolean {
  if (redisAvailable()) return false;
  if (inCI()) return false;
  console.warn(`${REDIS_MISSING_MESSAGE}\n(skipping the Redis-backed suite because CI is not set)`);
  return true;
}

/**
 * Throws REDIS_MISSING_MESSAGE when in CI without redis-server; a no-op otherwise. For a
 * top-level `it(...)` beside a skippable suite, so the CI summary counts a missing Redis as a
 * failed test (a failing beforeAll alone fails the run but reports its tests as skipped).
 */
export function assertRedisInCI(): void {
  if (inCI() && !redisAvailable()) throw new Error(REDIS_MISSING_MESSAGE);
}

export interface RedisServer {
  port: number;
  /** `redis://127.0.0.1:PORT` */
  url: string;
  /** Stops the server (SIGTERM, SIGKILL after 3 s; resumes it first if paused) and waits for exit. */
  stop(): Promise<void>;
  /** SIGSTOP: the server keeps its connections but answers nothing — a hung Redis. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
}

/** A port that was free a moment ago (bound to 0, read, released). */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Spawns a throwaway redis-server (no persistence, loopback only, its own temp dir) on a free
 * port and resolves once it answers PING. Throws REDIS_MISSING_MESSAGE if the binary is missing.
 */
export async function startRedis(): Promise<RedisServer> {
  if (!redisAvailable()) throw new Error(REDIS_MISSING_MESSAGE);
  let lastError: unknown;
  // A freshly freed port can be taken before redis binds it: retry with another one.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await spawnRedis(await freePort());
    } catch (err) {
      lastError = err;
      if (!String((err as Error).message).includes('Address already in use')) break;
    }
  }
  throw lastError;
}

async function spawnRedis(port: number): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'test-redis-'));
  const child: ChildProcess = spawn(
    REDIS_BIN,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });
  // Never leave a server behind if the test process exits without stop().
  const killOnExit = () => {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  };
  process.once('exit', killOnExit);
  const cleanup = () => {
    process.removeListener('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 5000;
  for (;;) {
    if (spawnError || exited) {
      await exit.catch(() => {});
      cleanup();
      throw new Error(`redis-server on port ${port} did not start: ${spawnError?.message ?? 'exited'}\n${output}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exit;
      cleanup();
      throw new Error(`redis-server on port ${port} did not answer PING within 5 s\n${output}`);
    }
    try {
      const conn = await RespConnection.connect(port, 500);
      try {
        const [pong] = await conn.send([[Buffer.from('PING')]]);
        if (pong === 'PONG') break;
      } finally {
        conn.destroy();
      }
    } catch {
      /* not listening yet */
    }
    await sleep(20);
  }

  let stopped: Promise<void> | undefined;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pause() {
      if (!exited) child.kill('SIGSTOP');
    },
    resume() {
      if (!exited) child.kill('SIGCONT');
    },
    stop() {
      stopped ??= (async () => {
        if (!exited) {
          child.kill('SIGCONT');
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exit;
          clearTimeout(timer);
        }
        cleanup();
      })();
      return stopped;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// RESP2: encoder, incremental parser, connections
// ---------------------------------------------------------------------------------------------

/** An error reply (`-ERR …`), kept as a value: inside EXEC or Lua results it is one element. */
class RedisReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisReplyError';
  }
}

/** Status replies are strings, bulk strings are Buffers (exact bytes), nil is null. */
type Reply = null | number | string | Buffer | RedisReplyError | Reply[];

const CRLF = Buffer.from('\r\n');

function encodeCommand(args: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) parts.push(Buffer.from(`$${a.length}\r\n`), a, CRLF);
  return Buffer.concat(parts);
}

/** Parses one reply at `pos`; undefined when the buffer does not hold all of it yet. */
function parseReply(buf: Buffer, pos: number): [Reply, number] | undefined {
  if (pos >= buf.length) return undefined;
  const eol = buf.indexOf(CRLF, pos);
  if (eol === -1) return undefined;
  const type = buf[pos];
  const line = buf.toString('utf8', pos + 1, eol);
  const next = eol + 2;
  switch (type) {
    case 0x2b: // '+'
      return [line, next];
    case 0x2d: // '-'
      return [new RedisReplyError(line), next];
    case 0x3a: // ':'
      return [Number(line), next];
    case 0x24: { // '$'
      const n = Number(line);
      if (n < 0) return [null, next];
      if (buf.length < next + n + 2) return undefined;
      return [Buffer.from(buf.subarray(next, next + n)), next + n + 2];
    }
    case 0x2a: { // '*'
      const n = Number(line);
      if (n < 0) return [null, next];
      const items: Reply[] = [];
      let at = next;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, at);
        if (!r) return undefined;
        items.push(r[0]);
        at = r[1];
      }
      return [items, at];
    }
    default:
      throw new Error(`RESP protocol error: unexpected byte 0x${type!.toString(16)}`);
  }
}

interface Waiter {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
}

/** One RESP2 connection; commands are pipelined, replies matched in order. */
class RespConnection {
  private buf: Buffer = Buffer.alloc(0);
  private waiters: Waiter[] = [];
  dead = false;
  private readonly socket: net.Socket;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  static connect(port: number, timeoutMs = 2000): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to redis :${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeListener('error', reject);
        resolve(new RespConnection(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  get pending(): number {
    return this.waiters.length;
  }

  /** Writes all commands in one contiguous write (so MULTI…EXEC is never interleaved). */
  send(commands: Buffer[][]): Promise<Reply[]> {
    if (this.dead) return Promise.reject(new Error('redis connection lost'));
    const replies = commands.map(
      () => new Promise<Reply>((resolve, reject) => this.waiters.push({ resolve, reject })),
    );
    this.socket.write(Buffer.concat(commands.map(encodeCommand)));
    return Promise.all(replies);
  }

  destroy(): void {
    this.socket.destroy();
    this.fail(new Error('connection closed'));
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let pos = 0;
    try {
      for (;;) {
        const r = parseReply(this.buf, pos);
        if (!r) break;
        pos = r[1];
        const w = this.waiters.shift();
        if (!w) throw new Error('RESP protocol error: reply without a request');
        w.resolve(r[0]);
      }
    } catch (err) {
      this.socket.destroy();
      this.fail(err as Error);
      return;
    }
    this.buf = pos === this.buf.length ? Buffer.alloc(0) : this.buf.subarray(pos);
  }

  private fail(err: Error): void {
    this.dead = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(new Error(`redis connection lost: ${err.message}`));
  }
}

interface Slot {
  ready: Promise<RespConnection>;
  conn?: RespConnection;
  failed?: boolean;
}

/** A few shared, pipelined connections; blocking commands get a connection of their own. */
class RespPool {
  private slots: Slot[] = [];
  private extra = new Set<RespConnection>();
  private closed = false;
  private readonly port: number;
  private readonly size: number;

  constructor(port: number, size = 4) {
    this.port = port;
    this.size = size;
  }

  async send(commands: Buffer[][], dedicated = false): Promise<Reply[]> {
    if (this.closed) throw new Error('bridge closed');
    if (!dedicated) return (await this.slot().ready).send(commands);
    const conn = await RespConnection.connect(this.port);
    this.extra.add(conn);
    try {
      return await conn.send(commands);
    } finally {
      this.extra.delete(conn);
      conn.destroy();
    }
  }

  /** Chosen synchronously, so concurrent requests never open more than `size` connections. */
  private slot(): Slot {
    this.slots = this.slots.filter((s) => !s.failed && !s.conn?.dead); // a killed or restarted Redis
    const connected = this.slots.filter((s) => s.conn);
    const idle = connected.find((s) => s.conn!.pending === 0);
    if (idle) return idle;
    if (this.slots.length < this.size) {
      const s = {} as Slot;
      s.ready = RespConnection.connect(this.port).then(
        (c) => {
          if (this.closed) c.destroy();
          return (s.conn = c);
        },
        (err: Error) => {
          s.failed = true;
          throw err;
        },
      );
      this.slots.push(s);
      return s;
    }
    if (connected.length) return connected.reduce((a, b) => (b.conn!.pending < a.conn!.pending ? b : a));
    return this.slots[0]!; // all still connecting
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.extra) c.destroy();
    for (const s of this.slots) s.conn?.destroy();
    this.slots = [];
  }
}

// ---------------------------------------------------------------------------------------------
// Upstash REST bridge
// ---------------------------------------------------------------------------------------------

export type BridgeMode = 'ok' | 'error' | 'hang';

export interface UpstashBridge {
  /** `http://127.0.0.1:PORT` — the `url` for `new Redis({ url, token })`. */
  url: string;
  token: string;
  /** HTTP requests received so far (every one: also 401s, and those failed or hung by setBroken). */
  readonly requests: number;
  /** Redis commands forwarded so far (a pipeline of n counts n). */
  readonly commands: number;
  /**
   * 'error': every request answers HTTP 500 `{"error": …}`; 'hang': requests are never answered
   * (they stay open until the client gives up or close()); 'ok': normal again.
   */
  setBroken(mode: BridgeMode): void;
  /** Stops listening, destroys open HTTP sockets (hung requests included) and Redis connections. */
  close(): Promise<void>;
}

const sha1 = (s: string | Buffer) => createHash('sha1').update(s).digest('hex');

/** Commands that would block a shared connection: they run on a connection of their own. */
const BLOCKING = new Set(['BLPOP', 'BRPOP', 'BRPOPLPUSH', 'BLMOVE', 'BLMPOP', 'BZPOPMIN', 'BZPOPMAX', 'BZMPOP', 'WAIT']);
/** Commands that change connection state or need a session: meaningless over REST. */
const UNSUPPORTED = new Set([
  'SUBSCRIBE', 'PSUBSCRIBE', 'SSUBSCRIBE', 'UNSUBSCRIBE', 'PUNSUBSCRIBE', 'SUNSUBSCRIBE', 'MONITOR',
  'SELECT', 'QUIT', 'RESET', 'HELLO', 'AUTH', 'MULTI', 'EXEC', 'DISCARD', 'WATCH', 'UNWATCH', 'SYNC', 'PSYNC',
]);

class BadRequest extends Error {}

interface Prepared {
  args: Buffer[];
  blocking: boolean;
  /** Rewrites the reply (SCRIPT LOAD answers the original script's hash). */
  mapReply?: (r: Reply) => Reply;
}

/** Replaces a leading `#!…` line (Upstash-only script flags) with an empty line. */
function stripShebang(script: string): string {
  if (!script.startsWith('#!')) return script;
  const nl = script.indexOf('\n');
  return nl === -1 ? '' : script.slice(nl);
}

export async function startUpstashBridge(redisPort: number, { token }: { token: string }): Promise<UpstashBridge> {
  const pool = new RespPool(redisPort);
  /** sha1(script as the client sent it) → sha1(script as Redis knows it). */
  const shas = new Map<string, string>();
  let mode: BridgeMode = 'ok';
  let requests = 0;
  let commands = 0;
  let closing = false;
  const sockets = new Set<net.Socket>();

  const toArg = (v: unknown, i: number): string => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new BadRequest(`ERR bridge: argument ${i} must be a string, number or boolean, got ${v === null ? 'null' : typeof v}`);
  };

  const loadScript = (script: string): string => {
    const stripped = stripShebang(script);
    if (stripped !== script) shas.set(sha1(script), sha1(stripped));
    return stripped;
  };

  function prepare(raw: unknown): Prepared {
    if (!Array.isArray(raw) || raw.length === 0) throw new BadRequest('ERR bridge: a command is a non-empty JSON array');
    const args = raw.map(toArg);
    const name = args[0]!.toUpperCase();
    const sub = args[1]?.toUpperCase();
    if (UNSUPPORTED.has(name) || (name === 'CLIENT' && sub === 'REPLY')) {
      throw new BadRequest(`ERR bridge: '${args[0]}' is not supported over the REST bridge`);
    }
    let mapReply: Prepared['mapReply'];
    if ((name === 'EVAL' || name === 'EVAL_RO') && args.length > 1) {
      args[1] = loadScript(args[1]!);
    } else if ((name === 'EVALSHA' || name === 'EVALSHA_RO') && args.length > 1) {
      args[1] = shas.get(args[1]!.toLowerCase()) ?? args[1]!;
    } else if (name === 'SCRIPT' && sub === 'LOAD' && args.length > 2) {
      const original = sha1(args[2]!);
      args[2] = loadScript(args[2]!);
      mapReply = (r) => (r instanceof RedisReplyError ? r : original);
    } else if (name === 'SCRIPT' && sub === 'EXISTS') {
      for (let i = 2; i < args.length; i++) args[i] = shas.get(args[i]!.toLowerCase()) ?? args[i]!;
    }
    const blocking = BLOCKING.has(name) || ((name === 'XREAD' || name === 'XREADGROUP') && args.some((a) => a.toUpperCase() === 'BLOCK'));
    return { args: args.map((a) => Buffer.from(a, 'utf8')), blocking, mapReply };
  }

  /** Reply → JSON value: strings base64 (exact bytes) or UTF-8, numbers as is, nil null. */
  function toJson(r: Reply, base64: boolean): unknown {
    if (r === null || typeof r === 'number') return r;
    if (Array.isArray(r)) return r.map((x) => toJson(x, base64));
    const bytes = r instanceof RedisReplyError ? Buffer.from(r.message) : typeof r === 'string' ? Buffer.from(r) : r;
    return base64 ? bytes.toString('base64') : bytes.toString('utf8');
  }

  const item = (r: Reply, base64: boolean) =>
    r instanceof RedisReplyError ? { error: r.message } : { result: toJson(r, base64) };

  /** Returns [status, body]. */
  async function execute(route: 'single' | 'pipeline' | 'multi-exec', body: unknown, base64: boolean): Promise<[number, unknown]> {
    if (route === 'single') {
      const p = prepare(body);
      commands++;
      const [reply] = await pool.send([p.args], p.blocking);
      const r = p.mapReply ? p.mapReply(reply!) : reply!;
      return r instanceof RedisReplyError ? [400, { error: r.message }] : [200, { result: toJson(r, base64) }];
    }
    if (!Array.isArray(body) || body.length === 0) throw new BadRequest('ERR bridge: expected a non-empty JSON array of commands');
    if (route === 'pipeline') {
      // A command the bridge refuses fails alone, like a Redis error would.
      const prepared = body.map((c) => {
        try {
          return prepare(c);
        } catch (err) {
          if (err instanceof BadRequest) return err;
          throw err;
        }
      });
      const ok = prepared.filter((p): p is Prepared => !(p instanceof BadRequest));
      commands += ok.length;
      const replies = ok.length ? await pool.send(ok.map((p) => p.args), ok.some((p) => p.blocking)) : [];
      let i = 0;
      return [200, prepared.map((p) => {
        if (p instanceof BadRequest) return { error: p.message };
        const reply = replies[i++]!;
        return item(p.mapReply ? p.mapReply(reply) : reply, base64);
      })];
    }
    // multi-exec: a refused command refuses the whole transaction.
    const prepared = body.map(prepare);
    commands += prepared.length;
    const replies = await pool.send([[Buffer.from('MULTI')], ...prepared.map((p) => p.args), [Buffer.from('EXEC')]]);
    const exec = replies[replies.length - 1]!;
    if (exec instanceof RedisReplyError) return [400, { error: exec.message }];
    if (!Array.isArray(exec)) return [400, { error: 'ERR bridge: transaction aborted' }];
    return [200, exec.map((r, i) => item(prepared[i]!.mapReply ? prepared[i]!.mapReply!(r) : r, base64))];
  }

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const server = http.createServer(async (req, res) => {
    requests++;
    const chunks: Buffer[] = [];
    try {
      for await (const c of req) chunks.push(c as Buffer);
    } catch {
      return; // client went away
    }
    if (closing || mode === 'hang') return; // never answered; close() destroys the socket
    if (mode === 'error') return send(res, 500, { error: "ERR bridge: simulated failure (setBroken('error'))" });

    const url = new URL(req.url ?? '/', 'http://bridge');
    const auth = req.headers.authorization;
    if (auth !== `Bearer ${token}` && url.searchParams.get('_token') !== token) {
      return send(res, 401, { error: 'Unauthorized' });
    }
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    const text = Buffer.concat(chunks).toString('utf8');
    const path = url.pathname.replace(/\/+$/, '');
    try {
      let route: 'single' | 'pipeline' | 'multi-exec' = 'single';
      let body: unknown;
      if (path === '' || path === '/pipeline' || path === '/multi-exec') {
        if (path !== '') route = path.slice(1) as 'pipeline' | 'multi-exec';
        try {
          body = JSON.parse(text);
        } catch {
          throw new BadRequest('ERR bridge: the body must be a JSON array');
        }
      } else {
        // Path-style: /set/foo/bar, or /set/foo with the value as the body.
        body = path.slice(1).split('/').map(decodeURIComponent);
        if (text.length) (body as string[]).push(text);
      }
      const [status, out] = await execute(route, body, base64);
      if (!res.destroyed) send(res, status, out);
    } catch (err) {
      if (res.destroyed) return;
      if (err instanceof BadRequest) return send(res, 400, { error: err.message });
      send(res, 500, { error: `ERR bridge: ${(err as Error).message}` });
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;

  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    get requests() {
      return requests;
    },
    get commands() {
      return commands;
    },
    setBroken(m) {
      mode = m;
    },
    close() {
      closed ??= (async () => {
        closing = true;
        const done = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const s of sockets) s.destroy();
        await pool.close();
        await done;
      })();
      return closed;
    },
  };
}

export interface Upstash {
  server: RedisServer;
  bridge: UpstashBridge;
  /** The Worker bindings that point the gateway at this Redis. */
  bindings: Record<string, string>;
  close(): Promise<void>;
}

/** A real redis-server with the Upstash REST bridge in front, as the gateway's tests use it. */
export async function startUpstash(token: string): Promise<Upstash> {
  const server = await startRedis();
  const bridge = await startUpstashBridge(server.port, { token });
  return {
    server,
    bridge,
    bindings: { UPSTASH_REDIS_REST_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: token },
    async close() {
      await bridge.close();
      await server.stop();
    },
  };
}
