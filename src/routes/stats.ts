import type { Context } from 'hono';
import { STATS_WINDOWS, type StatsWindow } from '../config';
import { invalidRequest, statsUnavailable } from '../errors';
import type { AppEnv } from '../pipeline/context';
import { statsObject } from '../stats/client';
import { withTimeout } from '../util/deadlines';

/** How long /admin/stats waits for the stats object. */
const TIMEOUT_MS = 5000;

/**
 * GET /admin/stats?window=1m|15m|1h (default 1m), behind the admin token: the figures of every
 * isolate over the window, merged by the GATEWAY_STATS object (design §2), with a 10 s series.
 */
export async function adminStats(c: Context<AppEnv>): Promise<Response> {
  const window = c.req.query('window') ?? '1m';
  if (!(STATS_WINDOWS as readonly string[]).includes(window)) {
    throw invalidRequest(`window must be one of ${STATS_WINDOWS.join(', ')}.`, 'window');
  }
  const stats = statsObject(c.env);
  if (!stats) throw statsUnavailable(new Error('no GATEWAY_STATS binding'));
  const view = await withTimeout(stats.stats(window as StatsWindow), TIMEOUT_MS).catch((err: unknown) => {
    throw statsUnavailable(err);
  });
  return c.json(view);
}
