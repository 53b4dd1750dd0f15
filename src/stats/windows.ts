import type { StatsWindow } from '../config';

/**
 * Time is cut into 10 s buckets (by when a request ended); a window is its last buckets, the
 * current, partial one included: `1m` = 6 buckets (50–60 s of traffic), `15m` = 90, `1h` = 360.
 * The Durable Object keeps an hour of buckets.
 */
export const BUCKET_MS = 10_000;

export const WINDOW_MS: Readonly<Record<StatsWindow, number>> = { '1m': 60_000, '15m': 900_000, '1h': 3_600_000 };

/** How long buckets are kept: the longest window. */
export const RETAIN_MS = WINDOW_MS['1h'];

export const bucketOf = (t: number) => Math.floor(t / BUCKET_MS) * BUCKET_MS;

/** The first bucket (its start, ms since the epoch) a window ending at `now` covers. */
export const windowStart = (window: StatsWindow, now: number) => bucketOf(now) - WINDOW_MS[window] + BUCKET_MS;
