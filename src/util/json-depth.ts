/**
 * Where a parsed JSON value first nests deeper than `max` containers, as a path (`["tools", 0,
 * "function", "parameters", "a", …]`), or undefined when it does not. Iterative — an explicit stack,
 * never recursion — so a hostile body cannot overflow the call stack here; it visits each value
 * once and allocates only for containers. The path is rebuilt from parent links only on failure.
 */
export function tooDeepAt(value: unknown, max: number): PropertyKey[] | undefined {
  interface Frame {
    value: object;
    depth: number;
    parent?: Frame;
    key?: PropertyKey;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const stack: Frame[] = [{ value, depth: 1 }];
  while (stack.length) {
    const frame = stack.pop()!;
    if (frame.depth > max) return pathOf(frame);
    const entries: Iterable<[PropertyKey, unknown]> = Array.isArray(frame.value) ? frame.value.entries() : Object.entries(frame.value);
    for (const [key, child] of entries) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: frame.depth + 1, parent: frame, key });
    }
  }
  return undefined;
}

function pathOf(frame: { parent?: typeof frame; key?: PropertyKey }): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let f: typeof frame | undefined = frame; f?.key !== undefined; f = f.parent) path.push(f.key);
  return path.reverse();
}
