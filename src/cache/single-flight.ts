import type { GatewayError } from '../errors';

/**
 * How a flight ended, as its followers see it:
 * - `answer`: the leader's finished answer, which every follower replays;
 * - `error`: the leader's failure, which every follower answers with too (each with its own
 *   request id) — a burst of identical requests never turns into a burst of retries (design §5);
 * - `abandoned`: the leader ended with nothing to share (its client left, so its upstream call
 *   was cancelled): the first follower to see it leads a new flight, the others follow that one.
 */
export type FlightOutcome<T> = { kind: 'answer'; answer: T } | { kind: 'error'; error: GatewayError } | { kind: 'abandoned' };

/** The only way to end a flight, held by its leader alone; the first `land` counts, later ones are ignored. */
export interface Lead<T> {
  land(outcome: FlightOutcome<T>): void;
}

/** Where a request sits in the flight for its key: leading it, or waiting on the leader's outcome. */
export type Seat<T> = { role: 'leader'; lead: Lead<T> } | { role: 'follower'; outcome: Promise<FlightOutcome<T>> };

/**
 * Concurrent identical cacheable requests in an isolate make one upstream call: the first becomes
 * the leader; the others wait for its outcome. Joining and leading happen in one synchronous step
 * (`enter`), so of all the followers woken by an abandoned flight exactly one — the first to run —
 * leads the next one: a hand-over, one leader at a time.
 */
export class SingleFlight<T> {
  private readonly flights = new Map<string, Promise<FlightOutcome<T>>>();

  /** The outcome of the flight for `key`, if one is under way. */
  join(key: string): Promise<FlightOutcome<T>> | undefined {
    return this.flights.get(key);
  }

  /** Follows the flight for `key`, or leads a new one when none is under way. */
  enter(key: string): Seat<T> {
    const outcome = this.flights.get(key);
    return outcome ? { role: 'follower', outcome } : { role: 'leader', lead: this.lead(key) };
  }

  private lead(key: string): Lead<T> {
    let settle!: (outcome: FlightOutcome<T>) => void;
    const flight = new Promise<FlightOutcome<T>>((resolve) => (settle = resolve));
    this.flights.set(key, flight);
    let landed = false;
    return {
      land: (outcome) => {
        if (landed) return;
        landed = true;
        // Gone from the table before any follower wakes, so the first of them finds no flight.
        this.flights.delete(key);
        settle(outcome);
      },
    };
  }
}
