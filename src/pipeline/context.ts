import type { Catalog } from '../catalog';
import type { ChatRequest } from '../chat-request';
import type { TenantConfig } from '../config';
import type { Env } from '../env';
import type { IsolateState } from '../state';
import type { RequestEnd } from '../telemetry/request-end';
import type { Trace } from '../telemetry/trace';

/** What each stage puts on the request's context, in pipeline order. */
declare module 'hono' {
  interface ContextVariableMap {
    /** The isolate's state (caches, limiters, breakers), built once in createApp. */
    state: IsolateState;
    trace: Trace;
    /** The request's end (the stream's, for a stream): what settling stages await. */
    end: RequestEnd;
    catalog: Catalog;
    tenant: TenantConfig;
    chat: ChatRequest;
  }
}

export type AppEnv = { Bindings: Env };
