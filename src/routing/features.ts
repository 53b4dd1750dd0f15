import type { ChatRequest } from '../chat-request';

/** What the router looks at: cheap facts about a request, computed in microseconds. */
export interface RouteFeatures {
  /** Estimated prompt tokens (≈4 characters a token) over all messages. */
  promptTokens: number;
  /** User turns in the conversation. */
  userTurns: number;
  /** Code in the request: fences, stack traces, code keywords. */
  code: boolean;
  /** Arithmetic, equations, proofs, probabilities. */
  math: boolean;
  /** Multi-step reasoning asked for: plans, trade-offs, step-by-step, "why", comparisons. */
  reasoning: boolean;
  /** Function tools or a JSON schema requested. */
  structured: boolean;
  /** The client's `max_tokens` / `max_completion_tokens`, if any. */
  maxTokens?: number;
}

const CODE = /```|\b(?:function|def|class|import|return|const|let|var|public|static|void|SELECT|INSERT|UPDATE|regex|stack ?trace|traceback|exception|compile[sd]?|segfault|null pointer|refactor|unit test|typescript|javascript|python|rust|golang|java|c\+\+|sql|bash|kubernetes|dockerfile|api endpoint)\b|[{};]\s*$|=>|\w+\(\)/im;
const MATH = /\d+\s*[-+*/^×÷=]\s*\d+|\b(?:solve|equation|integral|derivative|prove|proof|theorem|probability|expected value|matrix|eigen\w*|calculate|compute|percent(?:age)?|compound interest|factorial|prime)\b|[∑∫√π]/i;
const REASONING = /\b(?:step[- ]by[- ]step|reason(?:ing)?|explain why|why does|why is|trade-?offs?|pros and cons|compare|contrast|analy[sz]e|evaluate|design|architect\w*|plan (?:a|an|the|for)|strategy|implications|root cause|debug|diagnos\w*|recommend|critique|multi-step)\b/i;

export function routeFeatures(chat: ChatRequest): RouteFeatures {
  let chars = 0;
  let userTurns = 0;
  let userText = '';
  for (const m of chat.messages) {
    const text = messageText(m.content);
    chars += text.length;
    if (m.role === 'user') {
      userTurns++;
      userText += `${text}\n`;
    }
  }
  const responseFormat = (chat as { response_format?: { type?: string } }).response_format;
  const tools = (chat as { tools?: unknown[] }).tools;
  return {
    promptTokens: Math.ceil(chars / 4),
    userTurns,
    code: CODE.test(userText),
    math: MATH.test(userText),
    reasoning: REASONING.test(userText),
    structured: (Array.isArray(tools) && tools.length > 0) || responseFormat?.type === 'json_schema',
    maxTokens: chat.max_completion_tokens ?? chat.max_tokens ?? undefined,
  };
}

function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p?.text === 'string' ? p.text : '')).join(' ');
  return '';
}
