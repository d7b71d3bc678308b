import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FatalError } from '@drift-spark/core';
import { AutoModel, env, PreTrainedTokenizer } from '@huggingface/transformers';
import type { LocalModelInfo } from './local-model-folder.js';
import { type OutputTensor, poolVectors } from './local-pooling.js';
import { openWordVectorRuntime } from './word-vectors.js';

/** A loaded model: its tokenizer (ready at once) and its ONNX session (loaded at the first run). */
export interface LocalRuntime {
  /** Tokens of one text with the special tokens, before truncation. */
  countTokens(text: string): number;
  /** One vector per text, each truncated to `maxTokens`; one padded batch through the model. */
  run(texts: string[]): Promise<Float32Array[]>;
}

export interface LocalRuntimeOptions {
  /** ONNX Runtime's threads for one call; its default (all cores) when absent. */
  threads?: number;
}

/** Texts per forward pass: small enough that sorted neighbours have similar lengths. */
const lengthGroup = 8;

type LoadedModel = (inputs: Record<string, unknown>) => Promise<Record<string, OutputTensor>>;

// transformers.js reads its model folder from a global; loads are chained so two embedders
// loading different folders at once never read each other's setting.
let loading: Promise<unknown> = Promise.resolve();

async function loadModel(info: LocalModelInfo, options: LocalRuntimeOptions): Promise<LoadedModel> {
  const load = loading.then(async () => {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = dirname(info.dir);
    const sessionOptions = {
      ...(options.threads === undefined ? {} : { intraOpNumThreads: options.threads }),
      // Idle threads sleep instead of spinning: on a shared or busy machine, spinning threads
      // fight the busy ones for the cores (measured here: 2.5x slower than one thread).
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    };
    return AutoModel.from_pretrained(basename(info.dir), {
      dtype: 'fp32',
      local_files_only: true,
      session_options: sessionOptions,
    });
  });
  loading = load.catch(() => undefined);
  try {
    return (await load) as unknown as LoadedModel;
  } catch (error) {
    throw new FatalError(
      `Could not load the ONNX model in ${join(info.dir, 'onnx', 'model.onnx')}: ${(error as Error).message}. Fetch the model again.`,
      { cause: error },
    );
  }
}

function readJson(path: string): object {
  return JSON.parse(readFileSync(path, 'utf8')) as object;
}

/** Opens a model folder: the tokenizer now (synchronously, for `countTokens`), the model lazily. */
export function openLocalRuntime(
  info: LocalModelInfo,
  options: LocalRuntimeOptions = {},
): LocalRuntime {
  if (info.kind === 'word-vectors') return openWordVectorRuntime(info);
  const tokenizer = new PreTrainedTokenizer(
    readJson(join(info.dir, 'tokenizer.json')),
    readJson(join(info.dir, 'tokenizer_config.json')),
  );
  let model: Promise<LoadedModel> | undefined;

  const forwardBatch = async (forward: LoadedModel, texts: string[]): Promise<Float32Array[]> => {
    const inputs = tokenizer(texts, {
      padding: true,
      truncation: true,
      max_length: info.maxTokens,
    }) as unknown as Record<string, unknown> & { attention_mask: OutputTensor };
    const outputs = await forward(inputs);
    const output = outputs[info.output];
    if (!output) {
      throw new FatalError(
        `The model in ${info.dir} has no output "${info.output}" (it has ${Object.keys(outputs).join(', ')}); set "output" in its drift-model.json.`,
      );
    }
    return poolVectors(output, inputs.attention_mask, info.pooling, info.normalize);
  };

  return {
    countTokens: (text) => tokenizer.encode(text).length,

    async run(texts) {
      model ??= loadModel(info, options);
      // A failed load is tried again at the next call (the user may have fetched the model since).
      model.catch(() => {
        model = undefined;
      });
      const forward = await model;
      // Texts of similar length go through together: each group is padded to its own longest.
      const order = texts
        .map((text, index) => ({ index, length: tokenizer.encode(text).length }))
        .sort((a, b) => a.length - b.length)
        .map((entry) => entry.index);
      const vectors = new Array<Float32Array>(texts.length);
      for (let start = 0; start < order.length; start += lengthGroup) {
        const group = order.slice(start, start + lengthGroup);
        const pooled = await forwardBatch(
          forward,
          group.map((index) => texts[index]!),
        );
        group.forEach((index, position) => {
          vectors[index] = pooled[position]!;
        });
      }
      return vectors;
    },
  };
}
