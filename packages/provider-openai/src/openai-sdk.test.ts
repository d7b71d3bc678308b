import { describe, expect, it } from 'vitest';
import { createOpenAIEmbedder } from './openai-embedder.js';
import { loadedOpenAISdk, loadOpenAISdk } from './openai-sdk.js';

describe('the openai SDK', () => {
  it('is not loaded to count tokens (shadow mode), only for a call', async () => {
    const embedder = createOpenAIEmbedder({ model: 'text-embedding-3-small' });
    expect(embedder.countTokens('hello world hello world')).toBeGreaterThan(0);
    expect(loadedOpenAISdk()).toBeUndefined();
    const sdk = await loadOpenAISdk();
    expect(loadedOpenAISdk()).toBe(sdk);
    expect(typeof sdk.OpenAI).toBe('function');
  });
});
