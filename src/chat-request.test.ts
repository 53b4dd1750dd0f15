import { describe, expect, it } from 'vitest';
import { chatRequestSchema } from './chat-request';

const body = (task_id: string) => ({ model: 'm', messages: [{ role: 'user', content: 'hi' }], gateway: { task_id } });

describe('gateway.task_id', () => {
  it('takes any well-formed text, emoji (a surrogate pair) included', () => {
    for (const id of ['checkout-42', 'tâche é', 'flow 😀 7']) expect(chatRequestSchema.safeParse(body(id)).success).toBe(true);
  });

  it('refuses a lone surrogate (it would not read back as itself from the stats object), with the field named', () => {
    for (const id of ['a\ud800b', 'a\udc00', '\ud83d']) {
      const r = chatRequestSchema.safeParse(body(id));
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.path).toEqual(['gateway', 'task_id']);
      expect(r.error!.issues[0]!.message).toMatch(/well-formed/);
    }
  });
});
