// OpenAI's embeddings endpoint, simulated: deterministic vectors (sim/embed.ts) in which
// paraphrases are close, usage by the sim's ≈4-characters-a-token count.
import { isRecord } from './http.ts';
import { SIM_EMBEDDING_DIMENSIONS, simEmbedding, toBase64 } from './embed.ts';

export interface EmbeddingRequest {
  model: string;
  input: string[];
  encodingFormat: 'float' | 'base64';
  dimensions: number;
}

/** Reads an embeddings request; an error names the field, as OpenAI's 400s do. */
export function parseEmbeddingRequest(value: unknown): EmbeddingRequest | { message: string; param: string } {
  if (!isRecord(value)) return { message: 'The body must be a JSON object.', param: '' };
  if (typeof value.model !== 'string' || !value.model) return { message: 'model is required.', param: 'model' };
  const input = typeof value.input === 'string' ? [value.input] : value.input;
  if (!Array.isArray(input) || !input.length || !input.every((s) => typeof s === 'string' && s.length)) {
    return { message: 'input must be a non-empty string or array of non-empty strings.', param: 'input' };
  }
  const format = value.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') return { message: 'encoding_format must be "float" or "base64".', param: 'encoding_format' };
  const dims = value.dimensions ?? SIM_EMBEDDING_DIMENSIONS;
  if (typeof dims !== 'number' || !Number.isInteger(dims) || dims < 1 || dims > SIM_EMBEDDING_DIMENSIONS) {
    return { message: `dimensions must be an integer from 1 to ${SIM_EMBEDDING_DIMENSIONS}.`, param: 'dimensions' };
  }
  return { model: value.model, input: input as string[], encodingFormat: format, dimensions: dims };
}

/** The `list` of embeddings OpenAI answers with. */
export function embeddingBody(req: EmbeddingRequest) {
  const promptTokens = req.input.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
  return {
    object: 'list',
    data: req.input.map((text, index) => {
      const vector = simEmbedding(text, req.dimensions);
      return { object: 'embedding', index, embedding: req.encodingFormat === 'base64' ? toBase64(vector) : vector };
    }),
    model: req.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}
