import type { MiddlewareHandler } from 'hono';
import { adminDisabled, adminForbidden, adminUnauthorized } from '../errors';
import { sameSecret } from '../util/same-secret';
import { bearerToken } from './auth';
import type { AppEnv } from './context';

/**
 * The operator's door to `/admin/*` (design §2): `Authorization: Bearer <ADMIN_TOKEN>`, the token a
 * Worker secret. No token sent → 401; a wrong one → 403, compared in constant time. Without
 * ADMIN_TOKEN set, the admin API is off: 403 `admin_disabled` for every request, so a deployment
 * that forgot the secret is not open to anyone (and says why).
 */
export function adminAuth(): MiddlewareHandler<AppEnv> {
  return async function adminAuth(c, next) {
    const expected = c.env.ADMIN_TOKEN;
    if (!expected) throw adminDisabled();
    const presented = bearerToken(c.req.header('authorization'));
    if (!presented) throw adminUnauthorized();
    if (!(await sameSecret(presented, expected))) throw adminForbidden();
    await next();
  };
}
