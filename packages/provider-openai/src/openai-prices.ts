import type { EmbedderPrice } from '@drift-spark/core';

/**
 * OpenAI list prices, USD per one million input tokens, as data so the CLI can show them
 * and a user can override them (`price` option, `--price`). Checked on `checkedOn` against
 * OpenAI's model pages (text-embedding-3-small $0.02, text-embedding-3-large $0.13) and
 * price listings for text-embedding-ada-002 ($0.10).
 */
export const openAIPrices = {
  checkedOn: '2026-11-26',
  source: 'developers.openai.com/api/docs/models',
  usdPerMillionTokens: {
    'text-embedding-3-small': 0.02,
    'text-embedding-3-large': 0.13,
    'text-embedding-ada-002': 0.1,
  } as Readonly<Record<string, number>>,
} as const;

/** The price for `modelName`: the user's when given, else the table's, else 0 marked unknown. */
export function openAIPrice(modelName: string, override?: number | EmbedderPrice): EmbedderPrice {
  if (typeof override === 'number') return { usdPerMillionTokens: override, source: 'user' };
  if (override) return override;
  const listed = openAIPrices.usdPerMillionTokens[modelName];
  if (listed === undefined) {
    return {
      usdPerMillionTokens: 0,
      source: `unknown: no list price for ${modelName}; pass price to bill it`,
    };
  }
  return {
    usdPerMillionTokens: listed,
    source: `${openAIPrices.source} ${openAIPrices.checkedOn}`,
  };
}
