import { describe, expect, it } from 'vitest';
import { compareTexts, entities, guardSemanticHit, negations, normalizePrompt, numbers } from './guards';
import type { SemanticMeta } from './port';

const meta = (over: Partial<SemanticMeta> = {}): SemanticMeta => ({
  key: 'gw:c:acme:k', tenant: 'acme', model: 'm', embeddingModel: 'e', promptId: '', promptVersion: '', retrieval: 'r', context: 'c', text: 'How do I reset my password?', ...over,
});

describe('semantic guards', () => {
  it('require the same tenant, model, embedding model, prompt, retrieval and context', () => {
    const { key: _key, ...ask } = meta();
    expect(guardSemanticHit(ask, meta())).toEqual({ ok: true });
    for (const [field, reason] of [['tenant', 'tenant'], ['model', 'model'], ['embeddingModel', 'embedding_model'], ['promptId', 'prompt'], ['promptVersion', 'prompt'], ['retrieval', 'retrieval'], ['context', 'context']] as const) {
      expect(guardSemanticHit(ask, meta({ [field]: 'other' }))).toEqual({ ok: false, reason });
    }
  });

  it('reject a differing negation, number or named entity', () => {
    expect(compareTexts("Why can't I see the invoice?", 'Why can I see the invoice?')).toEqual({ ok: false, reason: 'negation' });
    expect(compareTexts('I can log in but not reset my password', "I can't log in but can reset my password")).toEqual({ ok: false, reason: 'negation' });
    expect(compareTexts('Upgrade to Python 3.11', 'Upgrade to Python 3.12')).toEqual({ ok: false, reason: 'number' });
    expect(compareTexts('Can I invite two admins?', 'Can I invite 3 admins?')).toEqual({ ok: false, reason: 'number' });
    expect(compareTexts('How do I connect it to Slack?', 'How do I connect it to Discord?')).toEqual({ ok: false, reason: 'entity' });
    expect(compareTexts('What does `useEffect` do?', 'What does `useMemo` do?')).toEqual({ ok: false, reason: 'entity' });
    expect(compareTexts('Why does node_modules grow?', 'Why does dist grow?')).toEqual({ ok: false, reason: 'entity' });
  });

  it('let paraphrases through', () => {
    expect(compareTexts('How do I export data from Notion?', 'How can I download my Notion data?')).toEqual({ ok: true });
    expect(compareTexts('Can I get a refund within 2 days?', 'Is a refund possible within two days?')).toEqual({ ok: true });
    expect(compareTexts("I didn't receive the email", 'I never received the email')).toEqual({ ok: true });
    expect(compareTexts('Reset my password', 'How do I reset my password?')).toEqual({ ok: true });
  });

  it('read negations, numbers and entities', () => {
    expect(negations("I can't log in without the code")).toEqual(['not:code', 'not:log']);
    expect(numbers('Version 3.11 costs $1,000 for two seats at 10:30.')).toEqual(['1000', '10:30', '2', '3.11']);
    expect(entities('Does it run on AWS? Deploy to GitHub with `wrangler deploy` and "prod" in src/index.ts')).toEqual(
      expect.arrayContaining(['aws', 'github', 'wrangler deploy', 'prod', 'src/index.ts']),
    );
    expect(entities('How do I reset it?')).toEqual([]);
    expect(normalizePrompt('  How’s   it\n going? ')).toBe("How's it going?");
  });
});
