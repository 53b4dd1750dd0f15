import type { RouteFeatures } from './features';

/**
 * The learned router's model, as shipped in router-weights.json (written by `npm run
 * train:router`): a logistic regression over dense features (the rule features, sizes, character
 * classes; standardised with the training set's mean and spread) and hashed word uni/bi-grams of
 * the instruction. Hashed weights are stored as integers × `scale` to keep the file small.
 */
export interface RouterWeights {
  version: 1;
  /** Names of the dense features, in `denseFeatures` order (a check that code and weights agree). */
  dense: string[];
  mean: number[];
  std: number[];
  wDense: number[];
  bias: number;
  /** Hash buckets for word n-grams (a power of two). */
  buckets: number;
  scale: number;
  wHashed: number[];
  /** P(large) at or above this → large; chosen by cross-validation on the training split. */
  threshold: number;
  /** How it was trained and what it scored, as printed by the trainer (for the report and the tests). */
  meta: Record<string, unknown>;
}

export const DENSE_FEATURES = [
  'rule_structured', 'rule_hard_code', 'rule_math', 'rule_reasoning', 'rule_synthesis', 'rule_long_synthesis',
  'log_prompt_tokens', 'log_instruction_chars', 'log_user_turns', 'log_tools', 'tool_results', 'log_schema_chars',
  'log_fence_lines', 'digit_share', 'code_symbol_share', 'non_latin_share', 'upper_share', 'log_newlines', 'log_questions',
] as const;

/** ASCII characters typical of code, logs and markup: {}[]()<>=;_/\\|`$#*&^%~+ */
const CODE_SYMBOL = new Uint8Array(128);
for (const c of '{}[]()<>=;_/\\|`$#*&^%~+') CODE_SYMBOL[c.charCodeAt(0)] = 1;

/** The dense feature vector, in DENSE_FEATURES order. One pass over the instruction for the character classes. */
export function denseFeatures(f: RouteFeatures, largePromptTokens: number): number[] {
  const text = f.instruction;
  let digits = 0, symbols = 0, nonLatin = 0, letters = 0, upper = 0, newlines = 0, questions = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch >= 48 && ch <= 57) digits++;
    else if (ch === 10) newlines++;
    else if (ch === 63 || ch === 0xff1f) questions++;
    else if ((ch >= 65 && ch <= 90) || (ch >= 97 && ch <= 122)) {
      letters++;
      if (ch <= 90) upper++;
    } else if (ch < 128) {
      symbols += CODE_SYMBOL[ch]!;
    } else if (ch >= 0x370 && !(ch >= 0x2000 && ch <= 0x2bff) && !(ch >= 0xd800 && ch <= 0xdfff) && !(ch >= 0xfe00 && ch <= 0xfe0f)) nonLatin++;
    else if (ch >= 0xc0 && ch < 0x370) letters++;
  }
  const n = Math.max(1, text.length);
  const b = (x: boolean) => (x ? 1 : 0);
  return [
    b(f.heavyStructure), b(f.hardCode), b(f.hardMath), b(f.reasoning), b(f.synthesis), b(f.synthesis && f.promptTokens > largePromptTokens),
    Math.log1p(f.promptTokens), Math.log1p(text.length), Math.log1p(f.userTurns), Math.log1p(f.tools), b(f.toolResults > 0), Math.log1p(f.schemaChars),
    Math.log1p(f.fenceLines), digits / n, symbols / n, nonLatin / n, upper / Math.max(1, letters), Math.log1p(newlines), Math.log1p(questions),
  ];
}

/** FNV-1a, 32-bit: the one hash of training and serving. */
export function fnv1a(s: string): number {
  return fnvRange(0x811c9dc5, s, 0, s.length);
}

function fnvRange(h: number, s: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Han, kana and Hangul: written without spaces, so each character is a word of its own. */
const isCjk = (ch: number) => (ch >= 0x3040 && ch <= 0x30ff) || (ch >= 0x3400 && ch <= 0x9fff) || (ch >= 0xac00 && ch <= 0xd7af) || (ch >= 0xf900 && ch <= 0xfaff);
/** Letters and digits of any other script (general punctuation, symbols and surrogates excluded). */
const isWordChar = (ch: number) =>
  (ch >= 48 && ch <= 57) || (ch >= 97 && ch <= 122) || (ch >= 65 && ch <= 90) || (ch >= 0xc0 && ch !== 0xd7 && ch !== 0xf7 && !(ch >= 0x2000 && ch <= 0x2bff) && !(ch >= 0x3000 && ch <= 0x303f) && !(ch >= 0xd800 && ch <= 0xdfff) && !(ch >= 0xfe00 && ch <= 0xff65));

let stamps = new Uint32Array(0);
let stamp = 0;

/**
 * Distinct buckets of the instruction's word unigrams and bigrams (lower-cased; a bigram is the
 * two words joined by a space). One pass, no regular expression, no strings built per word.
 */
export function hashedBuckets(instruction: string, buckets: number): number[] {
  const text = instruction.toLowerCase();
  const mask = buckets - 1;
  if (stamps.length !== buckets) stamps = new Uint32Array(buckets);
  if (++stamp === 0xffffffff) (stamps.fill(0), (stamp = 1));
  const out: number[] = [];
  const add = (h: number) => {
    const b = h & mask;
    if (stamps[b] !== stamp) {
      stamps[b] = stamp;
      out.push(b);
    }
  };
  // The previous word's hash, continued with a space and this word, is the bigram's.
  let prev = -1;
  let i = 0;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    let to: number;
    if (isCjk(ch)) to = i + 1;
    else if (isWordChar(ch)) {
      to = i + 1;
      while (to < text.length && !isCjk(text.charCodeAt(to)) && isWordChar(text.charCodeAt(to))) to++;
    } else {
      i++;
      continue;
    }
    const word = fnvRange(0x811c9dc5, text, i, to);
    add(word);
    if (prev >= 0) add(fnvRange(Math.imul(prev ^ 32, 0x01000193), text, i, to));
    prev = word;
    i = to;
  }
  return out;
}

/** The model's probability that the request needs the large tier. */
export function pLarge(f: RouteFeatures, w: RouterWeights, largePromptTokens: number): number {
  return logistic(score(denseFeatures(f, largePromptTokens), hashedBuckets(f.instruction, w.buckets), w));
}

export function score(dense: readonly number[], buckets: readonly number[], w: RouterWeights): number {
  let z = w.bias;
  for (let i = 0; i < dense.length; i++) z += (w.wDense[i]! * (dense[i]! - w.mean[i]!)) / w.std[i]!;
  for (const b of buckets) z += w.wHashed[b]! / w.scale;
  return z;
}

export const logistic = (z: number): number => 1 / (1 + Math.exp(-z));
