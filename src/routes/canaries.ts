import type { Context } from 'hono';
import type { CanaryStateRow } from '../canary/states';
import { canaryNotFound, configInvalid, statsUnavailable } from '../errors';
import { loadCatalog } from '../pipeline/config';
import type { AppEnv } from '../pipeline/context';
import { statsObject } from '../stats/client';
import { withTimeout } from '../util/deadlines';

const ACTIONS = { promote: 'promoted', rollback: 'rolled_back' } as const;

/**
 * POST /admin/canaries/{id}/promote|rollback, behind the admin token: decides a canary for
 * everyone — promoted serves `to`, rolled back serves `from`. The stats object records it; this
 * isolate obeys at once, the others within `stats.canaryRefreshMs`. 200 with the new state.
 */
export async function decideCanary(c: Context<AppEnv>): Promise<Response> {
  const id = c.req.param('id')!;
  const action = c.req.param('action') as keyof typeof ACTIONS;
  const loaded = loadCatalog(c.env);
  if (!loaded.ok) throw configInvalid(loaded.error);
  if (!loaded.catalog.config.canaries.some((x) => x.id === id)) throw canaryNotFound(id);
  const stats = statsObject(c.env);
  if (!stats) throw statsUnavailable(new Error('no GATEWAY_STATS binding'));
  const row = (await withTimeout(stats.setCanary(id, ACTIONS[action]) as Promise<CanaryStateRow | undefined>, 5000).catch((err: unknown) => {
    throw statsUnavailable(err);
  }));
  // The object reads the same config; it can only miss the id while a new config rolls out.
  if (!row) throw canaryNotFound(id);
  c.get('state').canaries.set(row);
  c.get('trace').set('canary', `${id}:${row.state}`);
  return c.json({ id, state: row.state, decided_at: new Date(row.at).toISOString(), reason: row.reason ?? null });
}
