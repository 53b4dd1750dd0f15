/**
 * A tolerant reading of what a model wrote as JSON. First strictly; then, where it is safe, with
 * local repairs a model's "almost JSON" needs: a code fence or prose around the value, trailing
 * commas, single-quoted strings, unquoted keys, Python's True/False/None, and — only for an answer
 * that finished normally — the closing brackets it left off. An answer cut by `max_tokens` is
 * never closed into a valid-looking value. No repair guesses at content: a string left open, a
 * missing value or a stray token is a failure.
 */
export type Parsed = { ok: true; value: unknown; repairs: string[] } | { ok: false; error: string };

export function tolerantParse(text: string, { finished }: { finished: boolean }): Parsed {
  const strict = tryParse(text);
  if (strict.ok) return { ok: true, value: strict.value, repairs: [] };
  const repairs: string[] = [];
  let candidate = text.trim();
  const fenced = /```[a-zA-Z0-9_-]*\s*\n?([\s\S]*?)\n?\s*```/.exec(candidate);
  if (fenced) {
    candidate = fenced[1]!.trim();
    repairs.push('code_fence');
  }
  const start = candidate.search(/[[{]/);
  if (start < 0) return { ok: false, error: 'no JSON object or array in the answer' };
  if (start > 0) repairs.push('leading_text');
  const normalized = normalize(candidate.slice(start), finished);
  if (!normalized.ok) return normalized;
  repairs.push(...normalized.repairs);
  const parsed = tryParse(normalized.text);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  return { ok: true, value: parsed.value, repairs };
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

const CLOSE: Record<string, string> = { '{': '}', '[': ']' };
const PY: Record<string, string> = { True: 'true', False: 'false', None: 'null' };

/**
 * Rewrites one JSON-like value into JSON, scanning once: strings (either quote) are copied with
 * their escapes, bare words become keys (before a colon) or JSON literals, commas before a
 * closing bracket are dropped, the value ends at its matching bracket (trailing prose is cut).
 */
function normalize(src: string, finished: boolean): { ok: true; text: string; repairs: string[] } | { ok: false; error: string } {
  const repairs = new Set<string>();
  const stack: string[] = [];
  let out = '';
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '"' || ch === "'") {
      const str = readString(src, i);
      if (!str) return { ok: false, error: 'a string is not closed' };
      if (ch === "'") repairs.add('single_quotes');
      out += str.json;
      i = str.end;
      continue;
    }
    if (ch === '{' || ch === '[') {
      stack.push(ch);
      out += ch;
      i++;
      continue;
    }
    if (ch === '}' || ch === ']') {
      const open = stack.pop();
      if (!open || CLOSE[open] !== ch) return { ok: false, error: `unexpected "${ch}"` };
      out = out.replace(/,\s*$/, (m) => (repairs.add('trailing_comma'), m.slice(1)));
      out += ch;
      i++;
      if (stack.length === 0) {
        if (src.slice(i).trim()) repairs.add('trailing_text');
        return { ok: true, text: out, repairs: [...repairs] };
      }
      continue;
    }
    if (/[A-Za-z_$]/.test(ch)) {
      const word = /^[A-Za-z_$][\w$-]*/.exec(src.slice(i))![0];
      const after = src.slice(i + word.length).trimStart();
      if (after.startsWith(':') && stack.at(-1) === '{') {
        out += JSON.stringify(word);
        repairs.add('unquoted_keys');
      } else if (word in PY) {
        out += PY[word];
        repairs.add('python_literals');
      } else if (word === 'true' || word === 'false' || word === 'null') {
        out += word;
      } else {
        return { ok: false, error: `unexpected word "${word.slice(0, 20)}"` };
      }
      i += word.length;
      continue;
    }
    if (ch === '/' && (src[i + 1] === '/' || src[i + 1] === '*')) {
      const end = src[i + 1] === '/' ? src.indexOf('\n', i) : src.indexOf('*/', i + 2) + 2;
      i = end <= i ? src.length : end;
      repairs.add('comments');
      continue;
    }
    out += ch;
    i++;
  }
  if (stack.length === 0) return { ok: true, text: out, repairs: [...repairs] };
  // Unbalanced: close it only if the model stopped on its own, and only after a complete value.
  if (!finished) return { ok: false, error: 'the answer was cut before the JSON closed (finish_reason "length")' };
  const trimmed = out.replace(/,\s*$/, '');
  if (/[:[{]\s*$/.test(trimmed)) return { ok: false, error: 'the JSON ends before a value' };
  repairs.add('closed_brackets');
  return { ok: true, text: trimmed + stack.reverse().map((b) => CLOSE[b]).join(''), repairs: [...repairs] };
}

/** A quoted string at `at` as JSON text (double-quoted, escapes kept), and where it ends. */
function readString(src: string, at: number): { json: string; end: number } | undefined {
  const quote = src[at]!;
  let value = '';
  for (let i = at + 1; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === '\\') {
      const next = src[i + 1];
      if (next === undefined) return undefined;
      // \' is not a JSON escape; everything else is kept for JSON.parse to judge.
      value += next === "'" ? "'" : `\\${next}`;
      i++;
      continue;
    }
    if (ch === quote) return { json: `"${quote === "'" ? value.replace(/(?<!\\)"/g, '\\"') : value}"`, end: i + 1 };
    if (ch === '\n') value += '\\n';
    else value += ch;
  }
  return undefined;
}
