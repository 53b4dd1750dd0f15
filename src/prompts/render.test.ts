import { describe, expect, it } from 'vitest';
import { findPrompt, renderTemplate } from './render';
import { PROMPT_TEMPLATES } from './templates';

describe('prompt templates', () => {
  it('are unique by id and version, with numeric versions', () => {
    const keys = PROMPT_TEMPLATES.map((t) => `${t.id}@${t.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const t of PROMPT_TEMPLATES) expect(t.version).toMatch(/^\d+$/);
  });

  it('finds a named version, or the newest', () => {
    expect(findPrompt('rag-answer', '1').version).toBe('1');
    expect(findPrompt('rag-answer').version).toBe('2');
  });

  it('refuses an unknown id or version with 404 prompt_not_found', () => {
    expect(() => findPrompt('nope')).toThrow(expect.objectContaining({ status: 404, code: 'prompt_not_found' }));
    expect(() => findPrompt('rag-answer', '9')).toThrow(expect.objectContaining({ status: 404 }));
  });

  it('fills variables and names a missing one', () => {
    expect(renderTemplate(findPrompt('rag-answer', '2'), { product: 'Acme DB' })).toContain('assistant for Acme DB.');
    expect(() => renderTemplate(findPrompt('rag-answer', '2'), {})).toThrow(
      expect.objectContaining({ status: 400, param: 'gateway.prompt.variables.product' }),
    );
  });
});
