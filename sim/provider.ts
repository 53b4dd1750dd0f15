// A simulated OpenAI-compatible provider with realistic timing and injectable faults.
import { errorBody, now, parseJson, sendJson, sleep, untilAborted } from './http.ts';
import { FaultTable, gate } from './faults.ts';
import type { BaseFaults } from './faults.ts';
import { chunkBody, completionBody, isParseError, modelList, parseChatRequest, usageOf } from './openai.ts';
import type { ChatRequest, ChunkChoice, Usage } from './openai.ts';
import { embeddingBody, parseEmbeddingRequest } from './embeddings.ts';
import { playScript, type ProviderScript } from './script.ts';
import { startSimServer } from './server.ts';
import { structuredAnswer, structuredSimAnswer } from './structured.ts';
import type { StructuredFaults } from './structured.ts';
import type { BaseCall, Exchange, ListenOptions, SimServer, Track } from './server.ts';
import { DEFAULT_COMPLETION_TOKENS, promptTokens, simAnswer } from './text.ts';
import type { FinishReason, SimAnswer } from './text.ts';

export interface ModelTiming {
  firstTokenMs: number;
  interTokenMs: number;
}

/** The models the sim lists; any other model id is answered with sim-small timing. */
export const SIM_MODELS: Readonly<Record<'sim-small' | 'sim-large', ModelTiming>> = {
  'sim-small': { firstTokenMs: 120, interTokenMs: 8 },
  'sim-large': { firstTokenMs: 350, interTokenMs: 25 },
};

/** Structured-answer faults (contractViolation, sloppyJsonShare, invalidJsonShare, refuseInjections): sim/structured.ts. */
export interface ProviderFaults extends BaseFaults, StructuredFaults {
  firstTokenMs?: number;
  interTokenMs?: number;
  /** Completion length (default 40), still capped by max_tokens. */
  tokens?: number;
  /** Send n content tokens, then go silent with the connection open. */
  stallAfterTokens?: number;
  /** After n content tokens, space the rest `slowInterTokenMs` apart (a burst, then a trickle). */
  slowAfterTokens?: number;
  slowInterTokenMs?: number;
  /** Send the whole answer and `[DONE]`, then keep the response open (no end) until the caller leaves. */
  holdAfterDone?: boolean;
  /** Send n content tokens, then destroy the socket (no [DONE]). */
  cutAfterTokens?: number;
  /** Send n content tokens, then `data: {not json`, then carry on. */
  malformedAfterTokens?: number;
  /** Never report usage. */
  noUsage?: boolean;
  /** A reasoning model: `reasoning_content` deltas for this long (one per interTokenMs, ≥ 20 ms) before the answer. */
  reasoningMs?: number;
  /** Send n content tokens, then an OpenAI-style `data: {"error": …}` event, and end the stream. */
  errorEventAfterTokens?: number;
  /**
   * Error messages (the `status` fault, `errorEventAfterTokens`) echo the Authorization header the
   * request came with, as some providers do with a bad key: for testing that no key leaks.
   */
  echoAuthorization?: boolean;
}

export interface ProviderCall extends BaseCall {
  /** "default", or the {scope} of /s/{scope}/v1/... */
  scope: string;
  model: string | null;
  stream: boolean;
  /** The parsed request body (null if it was not JSON). */
  body: unknown;
  authorization: string | null;
  /** The W3C traceparent the caller propagated, if any. */
  traceparent: string | null;
  /** Which API was called. @default "chat" (absent) */
  endpoint?: 'embeddings';
  headersAt?: number;
  /** When the first content token was written (for non-stream: when the body was). */
  firstTokenAt?: number;
}

export interface SimProvider extends SimServer<ProviderFaults, ProviderCall> {
  /**
   * Replaces a scope's replies with a script (null removes it); a list plays one script per call,
   * the last one for every call after. `reset` clears every script.
   */
  script(scope: string, script: ProviderScript | ProviderScript[] | null): void;
}

/** Faults that failFirst switches off after the first k requests. */
const FAILURES: (keyof ProviderFaults)[] = [
  'status', 'retryAfter', 'hang', 'hold', 'stallAfterTokens', 'cutAfterTokens', 'malformedAfterTokens', 'errorEventAfterTokens',
  'contractViolation',
];

const ROUTE = /^(?:\/s\/([^/]+))?\/v1\/(chat\/completions|embeddings|models)$/;

export async function startProvider(opts: ListenOptions = {}): Promise<SimProvider> {
  const faults = new FaultTable<ProviderFaults>(FAILURES);
  const scripts = new Map<string, { list: ProviderScript[]; calls: number }>();

  async function handle(ex: Exchange, track: Track<ProviderCall>): Promise<boolean> {
    const match = ROUTE.exec(ex.url.pathname);
    if (!match) return false;
    const scope = match[1] ? decodeURIComponent(match[1]) : 'default';
    const method = ex.req.method ?? 'GET';
    if (match[2] === 'models' || method !== 'POST') {
      if (match[2] === 'models' && method === 'GET') sendJson(ex.res, 200, modelList(Object.keys(SIM_MODELS)));
      else sendJson(ex.res, 405, errorBody(405, `Method ${method} not allowed`));
      return true;
    }

    const parsed = parseJson(ex.body);
    if (match[2] === 'embeddings') return embeddings(ex, track, scope, parsed.ok ? parsed.value : undefined, parsed.ok ? undefined : parsed.message);
    const request = parsed.ok ? parseChatRequest(parsed.value) : { message: parsed.message, param: '' };
    const body = parsed.ok ? parsed.value : null;
    const call = track({
      scope,
      model: isParseError(request) ? null : request.model,
      stream: !isParseError(request) && request.stream,
      body,
      authorization: ex.req.headers.authorization ?? null,
      traceparent: (ex.req.headers.traceparent as string | undefined) ?? null,
    });
    if (isParseError(request)) {
      sendJson(ex.res, 400, errorBody(400, request.message, request.param || null));
      return true;
    }

    const scripted = scripts.get(scope);
    const script = scripted && scripted.list[Math.min(scripted.calls++, scripted.list.length - 1)];
    if (script) {
      await playScript(script, call.stream, ex.res, ex.signal, ex.cut);
      return true;
    }
    const f = faults.take(scope);
    const echo = f.echoAuthorization ? echoOf(call.authorization) : undefined;
    if (await gate(ex.res, ex.signal, faults, scope, f, f.latencyMs ?? 0, echo)) return true;
    const base = SIM_MODELS[request.model as keyof typeof SIM_MODELS] ?? SIM_MODELS['sim-small'];
    const timing: ModelTiming = {
      firstTokenMs: f.firstTokenMs ?? base.firstTokenMs,
      interTokenMs: f.interTokenMs ?? base.interTokenMs,
    };
    const raw = body as Record<string, unknown>;
    // A JSON schema asked for, a tool to call, or an injection to refuse: a structured answer.
    const structured = structuredAnswer(
      { model: request.model, messages: request.messages, seed: raw.seed, responseFormat: raw.response_format, tools: raw.tools, toolChoice: raw.tool_choice },
      f,
    );
    const answer = structured
      ? structuredSimAnswer(structured, `call_sim_${call.seq}`, request.maxTokens)
      : simAnswer(request.model, request.messages, request.maxTokens, f.tokens ?? DEFAULT_COMPLETION_TOKENS, raw.metadata);
    const usage = f.noUsage ? undefined : usageOf(promptTokens(request.messages), answer.tokens.length * request.n);
    const errorEvent = errorBody(500, `Simulated mid-stream error${echo ? `: ${echo}` : ''}`);
    const reply: Reply = { ex, call, request, answer, usage, timing, faults: f, errorEvent, id: `chatcmpl-sim-${call.seq}` };
    await (request.stream ? stream(reply) : complete(reply));
    return true;
  }

  /** POST /v1/embeddings: deterministic vectors after the scope's gate faults (latency, status, hang). */
  async function embeddings(ex: Exchange, track: Track<ProviderCall>, scope: string, body: unknown, invalid?: string): Promise<boolean> {
    const request = invalid === undefined ? parseEmbeddingRequest(body) : { message: invalid, param: '' };
    const call = track({
      scope,
      model: 'model' in request ? request.model : null,
      stream: false,
      body: body ?? null,
      authorization: ex.req.headers.authorization ?? null,
      traceparent: (ex.req.headers.traceparent as string | undefined) ?? null,
      endpoint: 'embeddings',
    });
    if ('message' in request) {
      sendJson(ex.res, 400, errorBody(400, request.message, request.param || null));
      return true;
    }
    const f = faults.take(scope);
    if (await gate(ex.res, ex.signal, faults, scope, f, f.latencyMs ?? 0)) return true;
    call.status = 200;
    sendJson(ex.res, 200, embeddingBody(request));
    return true;
  }

  const server = await startSimServer(opts, faults, handle);
  const resetFaults = server.reset;
  return Object.assign(server, {
    script: (scope: string, s: ProviderScript | ProviderScript[] | null) =>
      void (s ? scripts.set(scope, { list: Array.isArray(s) ? s : [s], calls: 0 }) : scripts.delete(scope)),
    reset: () => {
      scripts.clear();
      resetFaults();
    },
  });
}

interface Reply {
  ex: Exchange;
  call: ProviderCall;
  request: ChatRequest;
  answer: SimAnswer;
  usage: Usage | undefined;
  timing: ModelTiming;
  faults: ProviderFaults;
  /** What `errorEventAfterTokens` sends. */
  errorEvent: ReturnType<typeof errorBody>;
  id: string;
}

/** The i-th piece of the answer as a delta: content, a refusal, or a tool call's arguments (the first also names the call). */
function deltaOf(answer: SimAnswer, i: number): ChunkChoice['delta'] {
  const piece = answer.tokens[i]!;
  if (answer.refusal) return { refusal: piece };
  const call = answer.toolCall;
  if (!call) return { content: piece };
  const head = i === 0 ? { id: call.id, type: 'function' as const } : {};
  return { tool_calls: [{ index: 0, ...head, function: { ...(i === 0 ? { name: call.name } : {}), arguments: piece } }] };
}

/** What the simulated reasoning model thinks, word by word, while `reasoningMs` lasts. */
const REASONING = 'Let me think about what is being asked and check each step before I answer. ';

/** What a careless provider says about a bad key: the key, and the header it came in. */
function echoOf(authorization: string | null): string {
  const key = authorization?.replace(/^Bearer\s+/i, '') ?? '';
  return `Incorrect API key provided: ${key}. You sent "Authorization: ${authorization ?? ''}".`;
}

/** Where a mid-answer fault strikes: after min(n, all) tokens, or never. */
function faultAt(n: number | undefined, total: number): number {
  return n === undefined ? -1 : Math.min(Math.max(0, n), total);
}

async function complete({ ex, call, request, answer, usage, timing, faults, errorEvent, id }: Reply): Promise<void> {
  const n = answer.tokens.length;
  if (faultAt(faults.errorEventAfterTokens, n) >= 0) {
    // A non-stream answer cannot fail midway: the error becomes the response.
    await sleep(timing.firstTokenMs, ex.signal);
    call.status = 500;
    return sendJson(ex.res, 500, errorEvent);
  }
  const stallAt = faultAt(faults.stallAfterTokens, n);
  const cutAt = faultAt(faults.cutAfterTokens, n);
  const stopAt = [stallAt, cutAt].filter((at) => at >= 0).reduce((a, b) => Math.min(a, b), n);
  await sleep(timing.firstTokenMs + (faults.reasoningMs ?? 0) + stopAt * timing.interTokenMs, ex.signal);
  if (stopAt === stallAt) return untilAborted(ex.signal);
  if (stopAt === cutAt) return ex.cut();
  call.status = 200;
  call.headersAt = call.firstTokenAt = now();
  if (faultAt(faults.malformedAfterTokens, n) >= 0) {
    ex.res.writeHead(200, { 'content-type': 'application/json' }).end('{not json');
    return;
  }
  const created = Math.floor(call.startedAt / 1000);
  const reasoning = faults.reasoningMs ? REASONING : undefined;
  const body = completionBody(id, created, request.model, answer.text, answer.finishReason, usage, {
    n: request.n,
    reasoning,
    toolCall: answer.toolCall,
    refusal: answer.refusal,
  });
  sendJson(ex.res, 200, body, { 'x-request-id': id });
}

async function stream({ ex, call, request, answer, usage, timing, faults, errorEvent, id }: Reply): Promise<void> {
  const { res, signal } = ex;
  const created = Math.floor(call.startedAt / 1000);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': id });
  res.flushHeaders();
  call.status = 200;
  call.headersAt = now();

  const send = (data: string) => {
    signal.throwIfAborted();
    res.write(`data: ${data}\n\n`);
  };
  const usageField = request.includeUsage && usage ? null : undefined;
  const chunk = (choices: ChunkChoice[], u: Usage | null | undefined = usageField) =>
    send(JSON.stringify(chunkBody(id, created, request.model, choices, u)));
  // Every choice gets each delta (n > 1 answers are identical here; the framing is what is tested).
  const each = (delta: ChunkChoice['delta'], finish: FinishReason | null = null) =>
    chunk(Array.from({ length: request.n }, (_, index) => ({ index, delta, finish_reason: finish })));

  const n = answer.tokens.length;
  await sleep(timing.firstTokenMs, signal);
  each({ role: 'assistant', content: '' });
  if (faults.reasoningMs) {
    const step = Math.max(20, timing.interTokenMs);
    const words = REASONING.split(/(?<= )/);
    for (let t = 0, i = 0; t < faults.reasoningMs; t += step, i++) {
      each({ reasoning_content: words[i % words.length] });
      await sleep(step, signal);
    }
  }
  for (let i = 0; ; i++) {
    if (i === faultAt(faults.stallAfterTokens, n)) return untilAborted(signal);
    if (i === faultAt(faults.cutAfterTokens, n)) return ex.cut();
    if (i === faultAt(faults.malformedAfterTokens, n)) send('{not json');
    if (i === faultAt(faults.errorEventAfterTokens, n)) {
      send(JSON.stringify(errorEvent));
      res.end();
      return;
    }
    if (i === n) break;
    if (i > 0) await sleep(i >= (faults.slowAfterTokens ?? Infinity) ? (faults.slowInterTokenMs ?? timing.interTokenMs) : timing.interTokenMs, signal);
    each(deltaOf(answer, i));
    if (i === 0) call.firstTokenAt = now();
  }
  each({}, answer.finishReason);
  if (request.includeUsage && usage) chunk([], usage);
  send('[DONE]');
  if (faults.holdAfterDone) return untilAborted(signal);
  res.end();
}
