import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = new URL('..', import.meta.url).pathname;

describe('src/util/zod', () => {
  it('is the only way the Worker reaches zod (English messages, zod/mini only in the bundle)', () => {
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const direct = files.filter((f) => /from 'zod(\/[^']*)?'/.test(readFileSync(join(src, f), 'utf8')));
    expect(direct).toEqual([join('util', 'zod.ts')]);
  });
});
