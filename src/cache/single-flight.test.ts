import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors';
import { SingleFlight, type FlightOutcome } from './single-flight';

/** What `CacheFlow` does with a seat: follow until an answer or error, or lead on a hand-over. */
async function ride(flight: SingleFlight<string>, key: string, leaders: Array<(o: FlightOutcome<string>) => void>): Promise<FlightOutcome<string> | 'led'> {
  for (;;) {
    const seat = flight.enter(key);
    if (seat.role === 'leader') {
      leaders.push((o) => seat.lead.land(o));
      return 'led';
    }
    const outcome = await seat.outcome;
    if (outcome.kind !== 'abandoned') return outcome;
  }
}

describe('SingleFlight', () => {
  it('the first to enter leads, the rest follow and get its answer', async () => {
    const flight = new SingleFlight<string>();
    const leaders: Array<(o: FlightOutcome<string>) => void> = [];
    const riders = Array.from({ length: 5 }, () => ride(flight, 'k', leaders));
    expect(leaders).toHaveLength(1);
    leaders[0]!({ kind: 'answer', answer: 'A' });
    expect(await Promise.all(riders)).toEqual(['led', ...Array(4).fill({ kind: 'answer', answer: 'A' })]);
    expect(flight.join('k')).toBeUndefined();
  });

  it('a failure is shared with every follower, not retried by each', async () => {
    const flight = new SingleFlight<string>();
    const leaders: Array<(o: FlightOutcome<string>) => void> = [];
    const riders = Array.from({ length: 100 }, () => ride(flight, 'k', leaders));
    const error = new GatewayError('upstream failed', { status: 502, code: 'upstream_error' });
    leaders[0]!({ kind: 'error', error });
    const outcomes = await Promise.all(riders);
    expect(leaders).toHaveLength(1);
    expect(outcomes.slice(1).every((o) => o !== 'led' && o.kind === 'error' && o.error === error)).toBe(true);
  });

  it('an abandoned flight is handed to exactly one follower; the others follow the new leader', async () => {
    const flight = new SingleFlight<string>();
    const leaders: Array<(o: FlightOutcome<string>) => void> = [];
    const riders = Array.from({ length: 100 }, () => ride(flight, 'k', leaders));
    leaders[0]!({ kind: 'abandoned' });
    await new Promise((r) => setTimeout(r, 0));
    expect(leaders).toHaveLength(2);
    leaders[1]!({ kind: 'abandoned' });
    await new Promise((r) => setTimeout(r, 0));
    expect(leaders).toHaveLength(3);
    leaders[2]!({ kind: 'answer', answer: 'B' });
    const outcomes = await Promise.all(riders);
    expect(outcomes.filter((o) => o === 'led')).toHaveLength(3);
    expect(outcomes.filter((o) => o !== 'led' && o.kind === 'answer' && o.answer === 'B')).toHaveLength(97);
  });

  it('only the first landing counts', async () => {
    const flight = new SingleFlight<string>();
    const seat = flight.enter('k');
    const follower = flight.enter('k');
    if (seat.role !== 'leader' || follower.role !== 'follower') throw new Error('seats');
    seat.lead.land({ kind: 'answer', answer: 'first' });
    seat.lead.land({ kind: 'abandoned' });
    expect(await follower.outcome).toEqual({ kind: 'answer', answer: 'first' });
    // A later flight for the key is not ended by the old handle.
    const next = flight.enter('k');
    seat.lead.land({ kind: 'abandoned' });
    expect(next.role).toBe('leader');
    expect(flight.join('k')).toBeDefined();
  });
});
