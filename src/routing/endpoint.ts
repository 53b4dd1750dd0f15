import type { ModelConfig } from '../config';
import type { UpstreamTarget } from '../providers/openai-compatible';

/**
 * The endpoint a model's request goes to. For now the first configured one; health-, cost- and
 * breaker-aware selection across endpoints comes with issue #6.
 */
export function pickEndpoint(model: ModelConfig, env: Record<string, unknown>): UpstreamTarget {
  const endpoint = model.endpoints[0]!;
  return {
    endpointId: endpoint.id,
    url: `${endpoint.baseUrl.replace(/\/+$/, '')}/chat/completions`,
    apiKey: endpoint.apiKeyEnv ? (env[endpoint.apiKeyEnv] as string) : undefined,
    upstreamModel: model.upstreamModel ?? model.id,
  };
}
