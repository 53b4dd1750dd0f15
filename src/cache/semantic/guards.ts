import type { SemanticMeta } from './port';

/**
 * The guards a semantic hit must pass besides its similarity. Similar embeddings are not the same
 * question: "how do I enable 2FA" and "how do I not enable 2FA", "Python 3.11" and "Python 3.12",
 * "Postgres" and "MySQL" embed close and want different answers. Pure; text rules work on the
 * prompts' last user messages as `normalizePrompt` leaves them (case kept: it marks names).
 */

export type GuardVerdict = { ok: true } | { ok: false; reason: GuardReason };
export type GuardReason = 'tenant' | 'model' | 'embedding_model' | 'prompt' | 'retrieval' | 'context' | 'negation' | 'number' | 'entity';

/** What the asking request is, in the candidate's terms (everything but the key). */
export type SemanticAsk = Omit<SemanticMeta, 'key'>;

/** Whitespace collapsed, Unicode compatibility forms and curly quotes folded; case kept. */
export function normalizePrompt(text: string): string {
  return text.normalize('NFKC').replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/\s+/g, ' ').trim();
}

export function guardSemanticHit(asked: SemanticAsk, candidate: SemanticMeta): GuardVerdict {
  if (candidate.tenant !== asked.tenant) return no('tenant');
  if (candidate.model !== asked.model) return no('model');
  if (candidate.embeddingModel !== asked.embeddingModel) return no('embedding_model');
  if (candidate.promptId !== asked.promptId || candidate.promptVersion !== asked.promptVersion) return no('prompt');
  if (candidate.retrieval !== asked.retrieval) return no('retrieval');
  if (candidate.context !== asked.context) return no('context');
  return compareTexts(asked.text, candidate.text);
}

/** The text guards alone: negations, numbers, named entities. */
export function compareTexts(a: string, b: string): GuardVerdict {
  if (!sameList(negations(a), negations(b))) return no('negation');
  if (!sameList(numbers(a), numbers(b))) return no('number');
  if (!entitiesCovered(a, b) || !entitiesCovered(b, a)) return no('entity');
  return { ok: true };
}

const no = (reason: GuardReason): GuardVerdict => ({ ok: false, reason });

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

const NEGATORS = new Set(['not', 'no', 'never', 'without', 'none', 'nothing', 'nobody', 'nowhere', 'neither', 'nor', 'unless', 'except', 'instead']);
/** Words skipped when finding what a negation applies to ("not *the* refund", "never *got* it"). */
const FILLER = new Set(['a', 'an', 'the', 'be', 'been', 'being', 'is', 'are', 'was', 'were', 'to', 'my', 'your', 'our', 'their', 'its', 'it', 'any', 'i', 'we', 'you', 'they', 'have', 'has', 'had', 'get', 'got', 'even', 'yet', 'of', 'at', 'all', 'do', 'does', 'did', 'still', 'really', 'actually']);

/**
 * Each negation with the word it applies to (the next content word, crudely stemmed), sorted:
 * "I can't log in" → ["not:log"]. Two prompts pass only with the same negations on the same words.
 */
export function negations(text: string): string[] {
  const words = text
    .toLowerCase()
    .replace(/n't\b/g, ' not')
    .replace(/\bcannot\b/g, 'can not')
    .split(/[^a-z0-9_]+/)
    .filter(Boolean);
  const out: string[] = [];
  words.forEach((w, i) => {
    if (!NEGATORS.has(w)) return;
    const next = words.slice(i + 1).find((x) => !FILLER.has(x) && !NEGATORS.has(x));
    out.push(`not:${crudeStem(next ?? '')}`);
  });
  return out.sort();
}

const NUMBER_WORDS: Record<string, string> = {
  zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
  eleven: '11', twelve: '12', fifteen: '15', twenty: '20', thirty: '30', forty: '40', fifty: '50', sixty: '60', hundred: '100',
  thousand: '1000', million: '1000000', first: '1', second: '2', third: '3', fourth: '4', fifth: '5', half: '0.5', once: '1', twice: '2', double: '2', dozen: '12',
};

/** Every number, as digits ("3.11", "10:30", "1000" for "1,000", "2" for "two" or "v2"), sorted. */
export function numbers(text: string): string[] {
  const t = text.toLowerCase().replace(/(\d),(?=\d{3}\b)/g, '$1');
  const out = [...t.matchAll(/\d+(?:[.:]\d+)*/g)].map((m) => m[0].replace(/^0+(?=\d)/, ''));
  for (const w of t.split(/[^a-z]+/)) if (NUMBER_WORDS[w] !== undefined) out.push(NUMBER_WORDS[w]!);
  return out.sort();
}

/**
 * Named things in a prompt, lowercased: quoted strings, code-ish identifiers (snake_case,
 * camelCase, dotted or slashed paths, `--flags`, `calls()`), acronyms and mixed-case names
 * (AWS, GitHub, iOS, S3), and capitalized words not at a sentence's start.
 */
export function entities(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/"([^"]{1,100})"|`([^`]{1,100})`|(?:^|\s)'([^'\s][^']{0,99})'(?=[\s.,;:!?)]|$)/g)) {
    out.add((m[1] ?? m[2] ?? m[3]!).toLowerCase().trim());
  }
  let sentenceStart = true;
  for (const raw of text.split(/\s+/)) {
    const token = raw.replace(/^[("'`[{<]+|[)"'`\]}>.,;:!?]+$/g, '');
    const startsHere = sentenceStart;
    sentenceStart = /[.!?:]["')\]]*$/.test(raw);
    if (!token || !/[A-Za-z0-9]/.test(token)) continue;
    const codeish = /[_/\\#@]|::|\(\)|^--?[a-z]|[a-z]\.[a-z]/i.test(token) || /[a-z][A-Z]/.test(token) || /^[A-Za-z]+\d|\d[A-Za-z]+$/.test(token);
    const acronym = /^[A-Z]{2,}s?$/.test(token);
    const named = /^[A-Z][a-z]/.test(token) && !startsHere && token !== 'I' && !/^I'/.test(token);
    if (codeish || acronym || named) out.add(token.toLowerCase());
  }
  return [...out];
}

/** Every entity of `a` appears (case-insensitively) in `b`'s text. */
function entitiesCovered(a: string, b: string): boolean {
  const haystack = b.toLowerCase();
  return entities(a).every((e) => haystack.includes(e));
}

function crudeStem(word: string): string {
  return word.length > 4 ? word.replace(/(?:ing|ed|es|s|e)$/, '') : word;
}
