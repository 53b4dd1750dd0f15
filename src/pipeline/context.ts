import type { Catalog } from '../catalog';
import type { ChatRequest } from '../chat-request';
import type { TenantConfig } from '../config';
import type { Env } from '../env';
import type { Trace } from '../telemetry/trace';

/** What each stage puts on the request's context, in pipeline order. */
declare module 'hono' {
  interface ContextVariableMap {
    trace: Trace;
    catalog: Catalog;
    tenant: TenantConfig;
    chat: ChatRequest;
  }
}

export type AppEnv = { Bindings: Env };
