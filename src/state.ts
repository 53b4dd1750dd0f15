import { CacheState } from './cache/isolate';
import { CanaryStates } from './canary/states';
import { MemoryIdempotencyStore } from './cache/idempotency-store';
import { ResilienceStates } from './providers/resilience-state';
import { LimiterState } from './ratelimit/isolate';
import { TraceExporter } from './telemetry/exporter';
import { StatsShipper } from './stats/shipper';
import { systemClock, type Clock } from './util/clock';

/**
 * Everything an isolate keeps between requests, built in one place and passed in
 * (`createApp({state})`): caches and the single-flight table, rate-limit buckets and batch
 * slots, breakers and retry budgets, idempotency records when there is no Redis, the trace
 * exporter's buffer, the figures not yet shipped to the stats object, the canaries' states. A test builds its own, on a
 * fake clock if it likes.
 */
export interface IsolateState {
  cache: CacheState;
  limits: LimiterState;
  resilience: ResilienceStates;
  idempotency: MemoryIdempotencyStore;
  traces: TraceExporter;
  /** This isolate's figures since its last shipment to the GATEWAY_STATS object. */
  stats: StatsShipper;
  /** The canaries' states (rolled back, promoted) as last read from the GATEWAY_STATS object. */
  canaries: CanaryStates;
}

export function createIsolateState(clock: Clock = systemClock): IsolateState {
  return {
    cache: new CacheState(clock),
    limits: new LimiterState(clock),
    resilience: new ResilienceStates(clock),
    idempotency: new MemoryIdempotencyStore(clock),
    traces: new TraceExporter(),
    stats: new StatsShipper(clock),
    canaries: new CanaryStates(clock),
  };
}
