import type { ChatRequest } from '../chat-request';
import { messageText, tokensForChars } from '../telemetry/tokens';

/** What the router looks at: cheap facts about a request, computed in microseconds. */
export interface RouteFeatures {
  /** Estimated prompt tokens (≈4 characters a token) over all messages. */
  promptTokens: number;
  /** User turns in the conversation. */
  userTurns: number;
  /** Hard code work: code plus a difficulty cue (concurrency, memory, performance…), or a long code block. */
  hardCode: boolean;
  /** Real mathematics: proofs, calculus, probability, counting — not a date or a percentage. */
  hardMath: boolean;
  /** Multi-step reasoning asked for explicitly. */
  reasoning: boolean;
  /** Asks to combine or cover a whole input (compare, every, timeline…), which long inputs make hard. */
  synthesis: boolean;
  /** Heavy structured work: tool results to combine, many tools, or a large JSON schema. */
  heavyStructure: boolean;
  /** The client's `max_tokens` / `max_completion_tokens`, if any. */
  maxTokens?: number;
  /** The instruction the cues are read from (the last user message, or its head and tail), for the learned router. */
  instruction: string;
  /** Tools defined, tool results in the conversation, characters of a JSON schema asked for. */
  tools: number;
  toolResults: number;
  schemaChars: number;
  /** Lines in the instruction's longest fenced code block. */
  fenceLines: number;
}

// Cues are matched on the instruction only — the last user message, or its head and tail when it
// is long — so pasted documents neither trigger them nor cost CPU in proportion to their length.
const HEAD_TAIL = 600;

const CODE = /```|\b(?:function|def|fn|async|await|goroutine|struct|impl|SELECT\s.+\sFROM|INSERT INTO|traceback|stack ?trace|segfault|compiler?|typescript|javascript|python|rust|golang|java(?:script)?\b|c\+\+|kotlin|sql)\b/is;
const CODE_HARD = /\b(?:deadlock|race condition|data race|memory leak|leaks?|lifetime|borrow checker|concurrency|thread-?safe|mutex|lock-?free|performance|optimi[sz]e|complexity|big-?o|refactor|architecture|implement (?:a|an) \w+|parser|interpreter|compiler|distributed|consensus|flaky|intermittent|heisenbug|undefined behaviou?r)(?:s|es|ed|ing)?\b/i;
const MATH = /\b(?:prove|proof|theorem|lemma|integral|integrate|derivative|differentiate|limit of|series converge|eigen\w*|determinant|probability|expected (?:value|number)|in how many ways|combinatori\w*|permutations?|modular|diophantine|induction)\b|[∑∫√]/i;
const REASONING = /\b(?:step[- ]by[- ]step|think (?:it )?through|root cause|trade-?offs? (?:between|of)|first principles|devise a plan|multi-step|chain of reasoning|justify each)\b/i;
const SYNTHESIS = /\b(?:compare|contrast|every|all of the|each of the|how many times|timeline|inconsisten\w*|contradict\w*|reconcile|cross-reference|across (?:the|all)|audit|review (?:the|this) (?:whole|entire|full))\b/i;

export function routeFeatures(chat: ChatRequest): RouteFeatures {
  let chars = 0;
  let userTurns = 0;
  let instruction = '';
  let toolResults = 0;
  for (const m of chat.messages) {
    const text = messageText(m.content);
    chars += text.length;
    if (m.role === 'user') {
      userTurns++;
      instruction = text;
    } else if (m.role === 'tool' || m.role === 'function') toolResults++;
  }
  if (instruction.length > 2 * HEAD_TAIL) instruction = `${instruction.slice(0, HEAD_TAIL)}\n${instruction.slice(-HEAD_TAIL)}`;
  const tools = (chat as { tools?: unknown[] }).tools;
  const format = (chat as { response_format?: { type?: string; json_schema?: unknown } }).response_format;
  const schemaSize = format?.type === 'json_schema' ? JSON.stringify(format.json_schema ?? {}).length : 0;
  const code = CODE.test(instruction);
  const fenceLines = longestFence(instruction);
  return {
    promptTokens: tokensForChars(chars),
    userTurns,
    hardCode: code && (CODE_HARD.test(instruction) || fenceLines > 40),
    hardMath: MATH.test(instruction),
    reasoning: REASONING.test(instruction),
    synthesis: SYNTHESIS.test(instruction),
    heavyStructure: toolResults > 0 || (Array.isArray(tools) && tools.length > 3) || schemaSize > 1500,
    maxTokens: chat.max_completion_tokens ?? chat.max_tokens ?? undefined,
    instruction,
    tools: Array.isArray(tools) ? tools.length : 0,
    toolResults,
    schemaChars: schemaSize,
    fenceLines,
  };
}

/** Lines in the longest fenced code block. */
function longestFence(text: string): number {
  const parts = text.split('```');
  let longest = 0;
  for (let i = 1; i < parts.length; i += 2) longest = Math.max(longest, parts[i]!.split('\n').length);
  return longest;
}

