import type { InvokeModelCommand, InvokeModelCommandOutput } from '@aws-sdk/client-bedrock-runtime';
import type { EmbedderPrice } from '@drift-spark/core';

/** The subset of `BedrockRuntimeClient` Drift uses; inject a real client (any endpoint, credentials) or a fake. */
export interface BedrockRuntimeClientLike {
  send(
    command: InvokeModelCommand,
    options?: { abortSignal?: AbortSignal },
  ): Promise<InvokeModelCommandOutput>;
}

export type CohereInputType = 'search_document' | 'search_query' | 'classification' | 'clustering';

export interface BedrockEmbedderOptions {
  /** `bedrock/amazon.titan-embed-text-v2:0`, `bedrock/cohere.embed-english-v3`, `bedrock/cohere.embed-multilingual-v3`. */
  model: string;
  /** Default from the AWS default chain (AWS_REGION, the profile), at the first call. */
  region?: string;
  /** An endpoint instead of Bedrock's regional one (a VPC endpoint). */
  endpoint?: string;
  /** A client (or a function that makes one); credentials otherwise come from the AWS default chain. */
  client?:
    | BedrockRuntimeClientLike
    | (() => BedrockRuntimeClientLike | Promise<BedrockRuntimeClientLike>);
  /** Titan v2: 256, 512 or 1024 (default). Cohere v3: 1024. Part of the fingerprint. */
  dimensions?: number;
  /** Titan v2: unit-length vectors. Default true. Part of the fingerprint. */
  normalize?: boolean;
  /** Cohere v3: default `search_document` (what an index stores). Part of the fingerprint. */
  inputType?: CohereInputType;
  /** USD per 1M tokens (or a full price with its source), instead of the list price. */
  price?: number | EmbedderPrice;
  /**
   * Over-long inputs: `truncate` (default) cuts Titan inputs at 50 000 characters and asks
   * Cohere to cut at 512 tokens (`truncate: END`), counting them in `truncated` (for Cohere
   * by estimate); `reject` sends them whole and lets Bedrock refuse them.
   */
  overlong?: 'truncate' | 'reject';
  /** Calls the engine may keep in flight. Default 8. */
  maxConcurrentCalls?: number;
  /** Milliseconds one call may take before it counts as a transient failure. Default 60 000. */
  timeoutMs?: number;
}
