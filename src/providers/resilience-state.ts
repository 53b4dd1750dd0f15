import type { Config } from '../config';
import { RetryBudget } from '../resilience/retry-budget';
import { EndpointPool } from '../routing/endpoint-pool';
import type { Clock } from '../util/clock';
import { StreamEnds } from './stream-ends';

export interface ResilienceState {
  pool: EndpointPool;
  budget: RetryBudget;
  /** Which endpoints end their responses after `[DONE]`: whose answers may be read in batches. */
  ends: StreamEnds;
}

/**
 * Breakers, retry budgets and what endpoints' streams do at their end, per isolate and per config: they start fresh when a new config is
 * deployed. One per isolate, built in `createIsolateState`.
 */
export class ResilienceStates {
  private readonly states = new WeakMap<Config, ResilienceState>();

  constructor(private readonly clock: Clock) {}

  for(config: Config): ResilienceState {
    let state = this.states.get(config);
    if (!state) {
      state = {
        pool: new EndpointPool(config.resilience.breaker, this.clock),
        budget: new RetryBudget(config.resilience.retry, this.clock),
        ends: new StreamEnds(),
      };
      this.states.set(config, state);
    }
    return state;
  }
}
