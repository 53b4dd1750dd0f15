export type Outcome = 'complete' | 'error' | 'client_gone';

/**
 * The end of a request, as one typed promise the stages await (the rate-limit settle, the
 * idempotency record, the log line). By default a request ends when its handler has returned;
 * a response whose body outlives the handler (a stream) says so with `until`, which only the
 * stream constructor calls — so no route can forget it and have its token reservation refunded
 * before its answer was even read.
 */
export class RequestEnd {
  readonly promise: Promise<Outcome>;
  private resolve!: (outcome: Outcome) => void;
  private deferred = false;

  constructor() {
    this.promise = new Promise((resolve) => (this.resolve = resolve));
  }

  /** The response's body outlives the handler: the request ends when `done` settles. */
  until(done: Promise<Outcome>): void {
    this.deferred = true;
    done.then(this.resolve, () => this.resolve('error'));
  }

  /** Called by the first stage once the handler has returned with this status. */
  handlerReturned(status: number): void {
    if (!this.deferred) this.resolve(status < 400 ? 'complete' : 'error');
  }
}
