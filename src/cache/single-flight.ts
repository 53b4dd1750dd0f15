/**
 * Concurrent identical cacheable requests in an isolate make one upstream call: the first becomes
 * the leader; the others wait for its answer (the serialized cached answer) and replay it. A
 * leader that fails hands its followers `undefined`, and each then makes its own call.
 */
export class SingleFlight {
  private readonly flights = new Map<string, Promise<string | undefined>>();

  /** The leader's answer if a flight for `key` is under way. */
  join(key: string): Promise<string | undefined> | undefined {
    return this.flights.get(key);
  }

  /** Becomes the leader for `key`; call the returned function exactly once with the outcome. */
  lead(key: string): (answer: string | undefined) => void {
    let settle!: (answer: string | undefined) => void;
    this.flights.set(key, new Promise((resolve) => (settle = resolve)));
    return (answer) => {
      this.flights.delete(key);
      settle(answer);
    };
  }
}
