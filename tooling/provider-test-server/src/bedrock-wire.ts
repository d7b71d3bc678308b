import { fakeVector } from './fake-vector.js';
import type { RecordedRequest, RouteHandler, TestResponse } from './test-server.js';

/** Matches every `InvokeModel` call: `POST /model/{modelId}/invoke`. */
export const bedrockInvokeRoute = 'POST /model/*';

/** The model id of an InvokeModel request (`amazon.titan-embed-text-v2:0`). */
export function bedrockModelOf(request: RecordedRequest): string {
  const match = /^\/model\/(.+)\/invoke$/.exec(request.path);
  return match?.[1] ?? '';
}

export interface BedrockEmbeddingsHandlerOptions {
  /** Tokens per text the fake model counts. Default one per whitespace-separated word. */
  countTokens?: (text: string) => number;
  /** Refuse a call with a ValidationException when a text makes this return a message. */
  reject?: (text: string, index: number) => string | undefined;
  /** Send `x-amzn-bedrock-input-token-count` with Cohere answers (Bedrock does). Default true. */
  tokenCountHeader?: boolean;
  delayMs?: number;
}

function wordCount(text: string): number {
  const words = text
    .trim()
    .split(/\s+/)
    .filter((word) => word.length > 0);
  return Math.max(1, words.length);
}

/**
 * Answers InvokeModel for Titan Text Embeddings v2 (`inputText`, `dimensions`,
 * `normalize`) and Cohere Embed v3 (`texts`, `input_type`), with fake deterministic vectors.
 */
export function bedrockEmbeddingsHandler(
  options: BedrockEmbeddingsHandlerOptions = {},
): RouteHandler {
  const countTokens = options.countTokens ?? wordCount;
  return (request: RecordedRequest): TestResponse => {
    const model = bedrockModelOf(request);
    const body = request.json as Record<string, unknown> | undefined;
    if (!body)
      return bedrockError(
        400,
        'ValidationException',
        'Malformed input request, please reformat your input and try again.',
      );
    if (model.startsWith('amazon.titan-embed-text')) {
      const text = body.inputText;
      if (typeof text !== 'string' || text.length === 0) {
        return bedrockError(
          400,
          'ValidationException',
          'Malformed input request: expected minLength: 1, actual: 0, please reformat your input and try again.',
        );
      }
      const refusal = options.reject?.(text, 0);
      if (refusal !== undefined) return bedrockError(400, 'ValidationException', refusal);
      const dimensions = typeof body.dimensions === 'number' ? body.dimensions : 1024;
      const vector = Array.from(fakeVector(text, dimensions));
      const tokens = countTokens(text);
      return {
        delayMs: options.delayMs,
        headers: { 'x-amzn-bedrock-input-token-count': String(tokens) },
        body: {
          embedding: vector,
          embeddingsByType: { float: vector },
          inputTextTokenCount: tokens,
        },
      };
    }
    if (model.startsWith('cohere.embed')) {
      const texts = body.texts;
      if (!Array.isArray(texts) || texts.length === 0 || texts.length > 96) {
        return bedrockError(
          400,
          'ValidationException',
          'Malformed input request: #/texts: expected between 1 and 96 items, please reformat your input and try again.',
        );
      }
      for (const [index, text] of (texts as string[]).entries()) {
        const refusal =
          text.length === 0
            ? 'Malformed input request: #/texts: expected minLength: 1, please reformat your input and try again.'
            : options.reject?.(text, index);
        if (refusal !== undefined) return bedrockError(400, 'ValidationException', refusal);
      }
      let tokens = 0;
      const embeddings = (texts as string[]).map((text) => {
        tokens += countTokens(text);
        return Array.from(fakeVector(text, 1024));
      });
      const wantsByType = Array.isArray(body.embedding_types);
      return {
        delayMs: options.delayMs,
        headers:
          options.tokenCountHeader === false
            ? {}
            : { 'x-amzn-bedrock-input-token-count': String(tokens) },
        body: wantsByType
          ? {
              id: 'fake',
              texts,
              embeddings: { float: embeddings },
              response_type: 'embeddings_by_type',
            }
          : { id: 'fake', texts, embeddings, response_type: 'embeddings_floats' },
      };
    }
    return bedrockError(
      400,
      'ValidationException',
      `The provided model identifier is invalid: ${model}`,
    );
  };
}

/** A Bedrock (restJson1) error: the type in `x-amzn-errortype`, the message in the body. */
export function bedrockError(
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): TestResponse {
  return {
    status,
    headers: {
      'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
      'x-amzn-requestid': 'fake-request-id',
      ...headers,
    },
    body: { message },
  };
}
