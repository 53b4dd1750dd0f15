// A replay set: one JSON object a line — `{id, messages, tags, model?, response_format?, tools?,
// tool_choice?, max_tokens?, …}`; any other field is sent as part of the request.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Every replayed request's `seed`. */
export const SEED = 7;

const item = z.looseObject({
  id: z.string().min(1),
  messages: z.array(z.looseObject({ role: z.string() })),
  model: z.string().min(1).optional(),
  tags: z.array(z.string()).min(1),
});
export type ReplayItem = z.infer<typeof item>;

/** One JSON object a line; blank lines and lines starting with `//` are skipped. */
export function loadSet(path: string): ReplayItem[] {
  const items: ReplayItem[] = [];
  readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim() || line.trimStart().startsWith('//')) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new Error(`${path}:${i + 1}: ${(err as Error).message}`);
    }
    const parsed = item.safeParse(value);
    if (!parsed.success) throw new Error(`${path}:${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
    items.push(parsed.data);
  });
  const ids = items.map((x) => x.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new Error(`${path}: duplicate id "${dup}"`);
  if (!items.length) throw new Error(`${path}: no items`);
  return items;
}

/** The request an item sends: its own fields (messages, response_format, tools, max_tokens …) plus the replay's fixed ones. */
export function requestOf(it: ReplayItem): Record<string, unknown> {
  const { id: _id, tags: _tags, ...body } = it;
  return { model: 'auto', ...body, temperature: 0, seed: SEED, stream: false, gateway: { cache: 'bypass' } };
}
