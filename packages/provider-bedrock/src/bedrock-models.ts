/** What Drift knows about each Bedrock embedding model. */
export interface BedrockModelInfo {
  family: 'titan' | 'cohere';
  defaultDimensions: number;
  /** Dimensions the model can return. */
  allowedDimensions: readonly number[];
  maxInputsPerCall: number;
  maxTokensPerInput: number;
  /** Longest text in characters the model takes (Titan v2: 50 000). */
  maxCharactersPerInput?: number;
}

export const bedrockModels: Readonly<Record<string, BedrockModelInfo>> = {
  'amazon.titan-embed-text-v2:0': {
    family: 'titan',
    defaultDimensions: 1024,
    allowedDimensions: [256, 512, 1024],
    maxInputsPerCall: 1,
    maxTokensPerInput: 8192,
    maxCharactersPerInput: 50_000,
  },
  'cohere.embed-english-v3': {
    family: 'cohere',
    defaultDimensions: 1024,
    allowedDimensions: [1024],
    maxInputsPerCall: 96,
    maxTokensPerInput: 512,
  },
  'cohere.embed-multilingual-v3': {
    family: 'cohere',
    defaultDimensions: 1024,
    allowedDimensions: [1024],
    maxInputsPerCall: 96,
    maxTokensPerInput: 512,
  },
};

/** `bedrock/amazon.titan-embed-text-v2:0` or `amazon.titan-embed-text-v2:0` → `amazon.titan-embed-text-v2:0`. */
export function bedrockModelName(model: string): string {
  return model.startsWith('bedrock/') ? model.slice('bedrock/'.length) : model;
}

/**
 * A conservative token estimate for models whose tokenizer Drift does not ship: 0.3 token
 * per ASCII character (English runs near 0.22) and one per other character (CJK runs
 * near one). Used to pack calls and estimate cost; billing uses the counts Bedrock returns.
 */
export function estimateBedrockTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) ascii++;
    else if (code < 0xdc00 || code > 0xdfff) other++; // a surrogate pair counts once
  }
  return Math.ceil(ascii * 0.3 + other);
}
