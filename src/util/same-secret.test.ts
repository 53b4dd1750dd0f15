import { describe, expect, it } from 'vitest';
import { sameSecret } from './same-secret';

describe('sameSecret', () => {
  it('is true only for the same string', async () => {
    expect(await sameSecret('admin-token-1', 'admin-token-1')).toBe(true);
    for (const other of ['admin-token-2', 'admin-token-1 ', 'admin-token', '', 'ADMIN-TOKEN-1']) {
      expect(await sameSecret(other, 'admin-token-1')).toBe(false);
    }
  });
});
