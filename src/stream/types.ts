import type { Usage } from '../telemetry/trace';

/** The parts of OpenAI's `chat.completion.chunk` the gateway reads; everything else passes through. */
export interface ChunkChoice {
  index: number;
  delta: {
    role?: string;
    content?: string | null;
    refusal?: string | null;
    tool_calls?: ToolCallDelta[];
    [k: string]: unknown;
  };
  finish_reason: string | null;
  logprobs?: unknown;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

export interface ChatChunk {
  id?: string;
  object?: string;
  created?: number;
  model?: string;
  system_fingerprint?: string;
  choices: ChunkChoice[];
  usage?: Usage | null;
  [k: string]: unknown;
}
