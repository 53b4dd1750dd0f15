/**
 * Whether an endpoint ends its response right after `[DONE]`, as learned in this isolate — what
 * makes it safe to read its answers in batches. A batched read waits for a byte count, and a
 * provider that keeps the response open after its last event never sends the bytes a batch that
 * began before the end is waiting for: the answer would sit there until the idle deadline failed
 * it. workerd gives no way to take a pending batch's bytes back (a `tee()` of the body gets them
 * only once the read completes), so batching is earned: an endpoint's answers are read chunk by
 * chunk until it has been seen ending its response promptly after `[DONE]` `TRUSTED_AFTER` times,
 * and never again once it has held one open past `PROMPT_END_MS`. A deadline that ends a batched
 * read (a stall, or a response held open) sends it back to learning: the next answers are read
 * chunk by chunk and watched at their end again. One per isolate and config, beside the breakers
 * (resilience-state.ts).
 */
export class StreamEnds {
  /** Prompt ends seen per endpoint URL; HELD once one was held open. */
  private readonly seen = new Map<string, number>();

  /** Answers of this endpoint may be read in batches. */
  batchable(url: string): boolean {
    return (this.seen.get(url) ?? 0) >= TRUSTED_AFTER;
  }

  /** Still worth watching how this endpoint ends its responses. */
  learning(url: string): boolean {
    const n = this.seen.get(url) ?? 0;
    return n !== HELD && n < TRUSTED_AFTER;
  }

  /** One response of this endpoint ended promptly after `[DONE]`, or was held open. */
  observe(url: string, endedPromptly: boolean): void {
    const n = this.seen.get(url) ?? 0;
    if (n === HELD) return;
    this.seen.set(url, endedPromptly ? Math.min(n + 1, TRUSTED_AFTER) : HELD);
  }

  /** A deadline ended a batched read of this endpoint: learn again how its responses end. */
  forget(url: string): void {
    if (this.seen.get(url) !== HELD) this.seen.delete(url);
  }
}

/** Prompt ends after `[DONE]` before an endpoint's answers are read in batches. */
export const TRUSTED_AFTER = 2;
/** How long after `[DONE]` the end of the response may take to count as prompt. */
export const PROMPT_END_MS = 50;
const HELD = -1;
