import type { EndpointConfig, ModelConfig } from '../config';
import { CircuitBreaker, type BreakerOptions, type BreakerState, type Ticket } from '../resilience/breaker';
import type { Clock } from '../util/clock';

interface Health {
  breaker: CircuitBreaker;
  /** Exponentially weighted time to first token, ms. */
  ttftMs?: number;
  /** A `Retry-After` from this endpoint: not before this time. */
  coolingUntil: number;
}

/**
 * The isolate's view of every endpoint: its breaker, recent TTFT and any `Retry-After` it asked
 * for. Orders a model's endpoints for an attempt: weighted choice by configured weight and
 * health (faster first-token times weigh more), skipping endpoints whose breaker is open or
 * that are cooling down.
 */
export class EndpointPool {
  private readonly health = new Map<string, Health>();

  constructor(
    private readonly breaker: BreakerOptions,
    private readonly clock: Clock,
    private readonly random: () => number = Math.random,
  ) {}

  /** Available endpoints of `model`, in the order to try them. */
  order(model: ModelConfig): EndpointConfig[] {
    const pool = model.endpoints.filter((e) => this.available(model, e)).map((e) => ({ e, w: this.weight(model, e) }));
    const out: EndpointConfig[] = [];
    while (pool.length) {
      let pick = this.random() * pool.reduce((s, p) => s + p.w, 0);
      const i = Math.max(0, pool.findIndex((p) => (pick -= p.w) < 0));
      out.push(pool.splice(i, 1)[0]!.e);
    }
    return out;
  }

  /** Takes the endpoint for one attempt (a half-open breaker admits exactly one probe). */
  admit(model: ModelConfig, endpoint: EndpointConfig): Ticket | undefined {
    return this.available(model, endpoint) ? this.get(model, endpoint).breaker.tryAcquire() : undefined;
  }

  /** The attempt ended saying nothing about the endpoint: a probe slot is freed. */
  release(model: ModelConfig, endpoint: EndpointConfig, ticket: Ticket): void {
    this.get(model, endpoint).breaker.release(ticket);
  }

  onSuccess(model: ModelConfig, endpoint: EndpointConfig, ticket: Ticket = 'normal', ttftMs?: number): void {
    const h = this.get(model, endpoint);
    h.breaker.onSuccess(ticket);
    if (ttftMs !== undefined) h.ttftMs = h.ttftMs === undefined ? ttftMs : 0.8 * h.ttftMs + 0.2 * ttftMs;
  }

  onFailure(model: ModelConfig, endpoint: EndpointConfig, ticket: Ticket = 'normal', retryAfterSeconds?: number): void {
    const h = this.get(model, endpoint);
    h.breaker.onFailure(ticket);
    if (retryAfterSeconds) h.coolingUntil = Math.max(h.coolingUntil, this.clock.now() + retryAfterSeconds * 1000);
  }

  /** ms until some endpoint of `model` takes requests again. */
  retryAfterMs(model: ModelConfig): number {
    const waits = model.endpoints.map((e) => {
      const h = this.get(model, e);
      return Math.max(h.breaker.retryAfterMs(), h.coolingUntil - this.clock.now(), 0);
    });
    return Math.min(...waits);
  }

  /** Breaker state per `model/endpoint`, for /healthz. */
  states(): Record<string, BreakerState> {
    return Object.fromEntries([...this.health].map(([key, h]) => [key, h.breaker.state]));
  }

  /** Neither open nor cooling down (a half-open breaker may still have given its probe away). */
  available(model: ModelConfig, endpoint: EndpointConfig): boolean {
    const h = this.get(model, endpoint);
    return h.coolingUntil <= this.clock.now() && h.breaker.state !== 'open';
  }

  private weight(model: ModelConfig, endpoint: EndpointConfig): number {
    const h = this.get(model, endpoint);
    const speed = h.ttftMs === undefined ? 1 : 1000 / (1000 + h.ttftMs);
    return endpoint.weight * speed * (h.breaker.state === 'half-open' ? 0.1 : 1);
  }

  private get(model: ModelConfig, endpoint: EndpointConfig): Health {
    const key = `${model.id}/${endpoint.id}`;
    let h = this.health.get(key);
    if (!h) {
      h = { breaker: new CircuitBreaker(this.breaker, this.clock), coolingUntil: 0 };
      this.health.set(key, h);
    }
    return h;
  }
}
