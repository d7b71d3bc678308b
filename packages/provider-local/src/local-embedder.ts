import { join } from 'node:path';
import {
  type EmbedderLimits,
  type EmbedderPrice,
  type EmbedderV1,
  type EmbedOptions,
  type EmbedResult,
  embedderFingerprint,
  FatalError,
} from '@drift-spark/core';
import { checkEmbedInput, emptyEmbedResult } from '@drift-spark/core/internal';
import {
  defaultModelsDir,
  type LocalModelInfo,
  localModelName,
  readLocalModel,
} from './local-model-folder.js';
import { type LocalRuntime, openLocalRuntime } from './local-runtime.js';

export interface LocalEmbedderOptions {
  /** `local/all-MiniLM-L6-v2`, or the bare folder name `all-MiniLM-L6-v2`. */
  model: string;
  /** The folder holding one folder per model. Default `DRIFT_MODELS_DIR`, then `~/.cache/drift/models`. */
  modelsDir?: string;
  /** This model's own folder, instead of `modelsDir/NAME`. */
  modelPath?: string;
  /** Checked against the model's size when given (a local model has one size). */
  dimensions?: number;
  /** Most texts per call (one padded batch through the model). Default 32. */
  batchSize?: number;
  /** ONNX Runtime threads per call. Default: the runtime's (all cores). */
  threads?: number;
}

/** A local model costs nothing per token. */
export const localPrice: EmbedderPrice = {
  usdPerMillionTokens: 0,
  source: 'local model, run in-process',
};

const cacheLimit = 8192;

/**
 * An embedder that runs a sentence-transformers ONNX model in this process: no key, no
 * network, $0. Lazy: the model folder is read at the first use of `dimensions`, `countTokens`
 * or `embed`, and the ONNX session is loaded at the first `embed`.
 */
export function createLocalEmbedder(
  options: LocalEmbedderOptions,
): EmbedderV1 & { readonly modelName: string } {
  const modelName = localModelName(options.model);
  const id = `local/${modelName}`;
  const batchSize = options.batchSize ?? 32;
  let info: LocalModelInfo | undefined;
  let runtime: LocalRuntime | undefined;
  const counts = new Map<string, number>();

  const model = (): LocalModelInfo => {
    if (info) return info;
    const dir = options.modelPath ?? join(options.modelsDir ?? defaultModelsDir(), modelName);
    const read = readLocalModel(dir, modelName);
    if (options.dimensions !== undefined && options.dimensions !== read.dimensions) {
      throw new FatalError(
        `${id} returns ${read.dimensions} dimensions, not ${options.dimensions}; remove the dimensions option.`,
      );
    }
    info = read;
    return info;
  };
  const open = (): LocalRuntime => {
    runtime ??= openLocalRuntime(model(), { threads: options.threads });
    return runtime;
  };
  /** Tokens the model sees: the text's tokens with the special ones, cut at the model's limit. */
  const tokensOf = (text: string): { tokens: number; truncated: boolean } => {
    let all = counts.get(text);
    if (all === undefined) {
      all = open().countTokens(text);
      if (counts.size >= cacheLimit) counts.clear();
      counts.set(text, all);
    }
    const max = model().maxTokens;
    return { tokens: Math.min(all, max), truncated: all > max };
  };

  return {
    specificationVersion: 'v1' as const,
    id,
    modelName,
    get dimensions(): number {
      return model().dimensions;
    },
    get fingerprint(): string {
      const { dimensions, pooling, normalize, quantization } = model();
      return embedderFingerprint(id, dimensions, {
        pooling,
        normalize,
        ...(quantization === 'fp32' ? {} : { quantization }),
      });
    },
    get limits(): EmbedderLimits {
      const { maxTokens } = model();
      return {
        maxInputsPerCall: batchSize,
        maxTokensPerInput: maxTokens,
        maxTokensPerCall: batchSize * maxTokens,
        // One in-process session; ONNX Runtime already spreads one call over the cores.
        maxConcurrentCalls: 1,
      };
    },
    price: localPrice,

    countTokens(text: string): number {
      if (text.length === 0) return 0;
      return tokensOf(text).tokens;
    },

    async embed(texts: string[], embedOptions: EmbedOptions = {}): Promise<EmbedResult> {
      checkEmbedInput({ id, limits: { maxInputsPerCall: batchSize } }, texts, embedOptions);
      if (texts.length === 0) return emptyEmbedResult();
      const tokensPerInput: number[] = [];
      let truncated = 0;
      for (const text of texts) {
        const counted = tokensOf(text);
        tokensPerInput.push(counted.tokens);
        if (counted.truncated) truncated++;
      }
      const vectors = await open().run(texts);
      return {
        vectors,
        tokens: tokensPerInput.reduce((sum, count) => sum + count, 0),
        tokensPerInput,
        truncated,
      };
    },
  };
}
