import type { Config } from '../config';
import { RetryBudget } from '../resilience/retry-budget';
import { EndpointPool } from '../routing/endpoint-pool';
import { systemClock } from '../util/clock';

export interface ResilienceState {
  pool: EndpointPool;
  budget: RetryBudget;
}

// Per isolate and per config: breakers and budgets start fresh when a new config is deployed.
const states = new WeakMap<Config, ResilienceState>();

export function resilienceFor(config: Config): ResilienceState {
  let state = states.get(config);
  if (!state) {
    state = {
      pool: new EndpointPool(config.resilience.breaker, systemClock),
      budget: new RetryBudget(config.resilience.retry, systemClock),
    };
    states.set(config, state);
  }
  return state;
}
