import type { MiddlewareHandler } from 'hono';
import { chatRequestSchema } from '../chat-request';
import { formatPath } from '../config';
import { invalidJson, invalidRequest } from '../errors';
import { tooDeepAt } from '../util/json-depth';
import { readBody } from '../util/read-body';
import type { AppEnv } from './context';

/**
 * Reads the body (size and time bounded), parses JSON, bounds its nesting (before anything walks
 * it recursively) and checks it against the chat schema.
 */
export function validateChatRequest(): MiddlewareHandler<AppEnv> {
  return async function validate(c, next) {
    const end = c.var.trace.span('validate');
    const { maxBodyBytes, maxJsonDepth, budgets } = c.var.catalog.config;
    const text = await readBody(c.req.raw, maxBodyBytes, budgets.requestBodyMs);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw invalidJson((err as Error).message);
    }
    const deep = tooDeepAt(json, maxJsonDepth);
    if (deep) {
      const param = formatPath(deep);
      throw invalidRequest(`${param}: nested deeper than ${maxJsonDepth} levels of objects and arrays.`, param);
    }
    const parsed = chatRequestSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const param = formatPath(issue.path);
      throw invalidRequest(param ? `${param}: ${issue.message}` : issue.message, param || undefined);
    }
    const { maxChoices } = c.var.catalog.config;
    if ((parsed.data.n ?? 1) > maxChoices) throw invalidRequest(`n: at most ${maxChoices} choices per request`, 'n');
    c.set('chat', parsed.data);
    end();
    await next();
  };
}
