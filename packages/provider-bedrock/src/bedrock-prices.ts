import type { EmbedderPrice } from '@drift-spark/core';

/**
 * Bedrock on-demand list prices, USD per one million input tokens, as data so the CLI can
 * show them and a user can override them (`price` option, `--price`). Bedrock lists them
 * per 1 000 tokens: Titan Text Embeddings v2 $0.00002, Cohere Embed v3 $0.0001.
 */
export const bedrockPrices = {
  checkedOn: '2026-11-26',
  source: 'aws.amazon.com/bedrock/pricing (us-east-1, on-demand)',
  usdPerMillionTokens: {
    'amazon.titan-embed-text-v2:0': 0.02,
    'cohere.embed-english-v3': 0.1,
    'cohere.embed-multilingual-v3': 0.1,
  } as Readonly<Record<string, number>>,
} as const;

export function bedrockPrice(modelName: string, override?: number | EmbedderPrice): EmbedderPrice {
  if (typeof override === 'number') return { usdPerMillionTokens: override, source: 'user' };
  if (override) return override;
  const listed = bedrockPrices.usdPerMillionTokens[modelName];
  if (listed === undefined)
    return {
      usdPerMillionTokens: 0,
      source: `unknown: no list price for ${modelName}; pass price to bill it`,
    };
  return {
    usdPerMillionTokens: listed,
    source: `${bedrockPrices.source} ${bedrockPrices.checkedOn}`,
  };
}
