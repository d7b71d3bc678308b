/**
 * The `openai` SDK, imported at the first call to the provider, not at start-up: loading it
 * costs ~0.3 s, and a shadow-mode run (token counts only) never calls the API.
 */
export type OpenAISdk = typeof import('openai');

let loaded: OpenAISdk | undefined;

export async function loadOpenAISdk(): Promise<OpenAISdk> {
  loaded ??= await import('openai');
  return loaded;
}

/** The SDK when something loaded it; until then, no error can be one of its classes. */
export function loadedOpenAISdk(): OpenAISdk | undefined {
  return loaded;
}
