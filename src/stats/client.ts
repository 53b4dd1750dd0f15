import type { Env } from '../env';
import type { GatewayStats } from './durable-object';

/** The one GatewayStats instance every isolate ships to and /admin/stats reads. */
export function statsObject(env: Env): DurableObjectStub<GatewayStats> | undefined {
  const ns = env.GATEWAY_STATS as unknown as DurableObjectNamespace<GatewayStats> | undefined;
  return ns?.get(ns.idFromName('global'));
}
