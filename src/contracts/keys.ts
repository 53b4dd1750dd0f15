/**
 * Renames object keys to the schema's where the mapping is unambiguous: `userId` → `user_id`
 * when the schema has `user_id` (and not `userId`), and the reverse. A key that matches no
 * property, or matches two, or whose target is already present, is left as it is — validation
 * then says what is wrong. Follows `properties`, `items` and `additionalProperties` schemas down.
 */
type Schema = Record<string, unknown>;

export function mapKeys(value: unknown, schema: unknown): { value: unknown; renamed: number } {
  let renamed = 0;
  const walk = (v: unknown, s: unknown): unknown => {
    if (!isObject(s)) return v;
    if (Array.isArray(v)) return isObject(s.items) ? v.map((x) => walk(x, s.items)) : v;
    if (!isObject(v)) return v;
    const props = isObject(s.properties) ? (s.properties as Schema) : {};
    const names = Object.keys(props);
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(v)) {
      let name = key;
      if (!(key in props) && names.length) {
        const candidates = names.filter((n) => normal(n) === normal(key));
        if (candidates.length === 1 && !(candidates[0]! in v)) {
          name = candidates[0]!;
          renamed++;
        }
      }
      out[name] = walk(child, props[name] ?? s.additionalProperties);
    }
    return out;
  };
  return { value: walk(value, schema), renamed };
}

/** snake_case, camelCase, PascalCase and kebab-case of the same words compare equal. */
const normal = (key: string) => key.replace(/[_-]/g, '').toLowerCase();
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
