/** Bindings and secrets the Worker reads. Provider keys are further secrets named by the config. */
export interface Env {
  /** The gateway's JSON configuration (design §4). */
  GATEWAY_CONFIG?: string;
  GATEWAY_KV?: KVNamespace;
  UPSTASH_REDIS_REST_URL?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
  ADMIN_TOKEN?: string;
}
