/**
 * An embedder fingerprint: model id, dimensions and every other setting that changes
 * the vector, in a stable order. `openai/text-embedding-3-small@1536`,
 * `bedrock/cohere.embed-english-v3@1024;input_type=search_document`.
 */
export function embedderFingerprint(
  model: string,
  dimensions: number,
  settings: Record<string, string | number | boolean> = {},
): string {
  const extras = Object.keys(settings)
    .sort()
    .map((name) => `${name}=${String(settings[name])}`);
  return [`${model}@${dimensions}`, ...extras].join(';');
}
