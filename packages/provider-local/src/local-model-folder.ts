import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { FatalError } from '@drift-spark/core';
import { readNpyShape, wordVectorFiles } from './word-vectors.js';

/** How token vectors become one sentence vector. `none`: the model's output is pooled already. */
export type LocalPooling = 'mean' | 'cls' | 'none';

/**
 * `onnx`: a transformer run by ONNX Runtime. `word-vectors`: a table of word vectors (GloVe),
 * a text's vector being the mean of its words' ones.
 */
export type LocalModelKind = 'onnx' | 'word-vectors';

/** What the embedder needs to know about one model folder. */
export interface LocalModelInfo {
  kind: LocalModelKind;
  /** `onnx`: `config.json`, `tokenizer.json`, `tokenizer_config.json`, `onnx/model.onnx`; `word-vectors`: `vocabulary.txt`, `vectors.npy`. */
  dir: string;
  dimensions: number;
  /** Longest input in tokens (with the special tokens); longer inputs are truncated. */
  maxTokens: number;
  /** The ONNX output to read. */
  output: string;
  pooling: LocalPooling;
  normalize: boolean;
  /** `int8` for quantized weights; part of the fingerprint, since it changes the vectors. */
  quantization: string;
}

/** The files a model folder must hold. */
export const requiredModelFiles = [
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/model.onnx',
] as const;

/**
 * Where models live when no folder is given: `DRIFT_MODELS_DIR`, else
 * `$XDG_CACHE_HOME/drift/models`, else `~/.cache/drift/models`.
 */
export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DRIFT_MODELS_DIR) return resolve(env.DRIFT_MODELS_DIR);
  const cache = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(cache, 'drift', 'models');
}

/** `local/all-MiniLM-L6-v2` or `all-MiniLM-L6-v2` → `all-MiniLM-L6-v2`. */
export function localModelName(model: string): string {
  const name = model.trim().replace(/^local\//, '');
  if (name.length === 0 || name.split('/').some((part) => part === '..' || part === '')) {
    throw new FatalError(
      `"${model}" is not a local model name: use local/NAME, where NAME is a folder in the models folder (e.g. local/all-MiniLM-L6-v2).`,
    );
  }
  return name;
}

function readJson(path: string): Record<string, unknown> | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new FatalError(
      `${path} is not valid JSON (${(error as Error).message}); fetch the model again.`,
      {
        cause: error,
      },
    );
  }
}

/** sentence-transformers' pooling config (`1_Pooling/config.json`) → Drift's pooling; mean by default. */
function poolingOf(dir: string): LocalPooling {
  const config = readJson(join(dir, '1_Pooling', 'config.json'));
  if (config?.pooling_mode_cls_token === true) return 'cls';
  return 'mean';
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Words per text the word-vector models read when drift-model.json sets no `maxTokens`. */
const defaultWordLimit = 8192;

/** A word-vector folder: `kind: "word-vectors"` in drift-model.json, or its two files without an ONNX model. */
function isWordVectorFolder(dir: string, manifest: Record<string, unknown>): boolean {
  if (manifest.kind === 'word-vectors' || manifest.kind === 'onnx') {
    return manifest.kind === 'word-vectors';
  }
  if (manifest.kind !== undefined) {
    throw new FatalError(
      `${join(dir, 'drift-model.json')} has kind ${JSON.stringify(manifest.kind)}: use "onnx" or "word-vectors".`,
    );
  }
  return (
    !existsSync(join(dir, 'onnx', 'model.onnx')) &&
    wordVectorFiles.every((file) => existsSync(join(dir, file)))
  );
}

function readWordVectorModel(
  dir: string,
  name: string,
  manifest: Record<string, unknown>,
): LocalModelInfo {
  const missing = wordVectorFiles.filter((file) => !existsSync(join(dir, file)));
  if (missing.length > 0) {
    throw new FatalError(
      `No local model ${name}: ${dir} lacks ${missing.join(', ')}. Run scripts/models/fetch.sh ${name} from the Drift repository.`,
    );
  }
  const { columns } = readNpyShape(join(dir, 'vectors.npy'));
  return {
    kind: 'word-vectors',
    dir,
    dimensions: columns,
    maxTokens: positiveInteger(manifest.maxTokens) ?? defaultWordLimit,
    output: 'vectors.npy',
    pooling: 'mean',
    normalize: manifest.normalize !== false,
    quantization: 'fp32',
  };
}

/**
 * Reads a model folder. `drift-model.json` (written by the repository's fetch script) says
 * everything; without it, a sentence-transformers ONNX export is read as it comes: size from
 * `config.json`, pooling from `1_Pooling/config.json`, length from `sentence_bert_config.json`;
 * and a folder of `vocabulary.txt` and `vectors.npy` is a word-vector model.
 */
export function readLocalModel(dir: string, name: string): LocalModelInfo {
  const manifest = readJson(join(dir, 'drift-model.json')) ?? {};
  if (isWordVectorFolder(dir, manifest)) return readWordVectorModel(dir, name, manifest);
  const missing = requiredModelFiles.filter((file) => !existsSync(join(dir, file)));
  if (missing.length > 0) {
    const what = existsSync(dir) ? `${dir} lacks ${missing.join(', ')}` : `${dir} does not exist`;
    throw new FatalError(
      `No local model ${name}: ${what}. Put a sentence-transformers ONNX export there (${requiredModelFiles.join(', ')}) or word vectors (${wordVectorFiles.join(', ')}), set DRIFT_MODELS_DIR to the folder that holds ${name}/, or run scripts/models/fetch.sh from the Drift repository.`,
    );
  }
  const config = readJson(join(dir, 'config.json')) ?? {};
  const sentenceConfig = readJson(join(dir, 'sentence_bert_config.json')) ?? {};
  const dimensions =
    positiveInteger(manifest.dimensions) ??
    positiveInteger(config.hidden_size) ??
    positiveInteger(config.d_model);
  if (dimensions === undefined) {
    throw new FatalError(
      `${join(dir, 'config.json')} has no hidden_size: add drift-model.json with {"dimensions": N} to the model folder.`,
    );
  }
  const maxTokens =
    positiveInteger(manifest.maxTokens) ??
    positiveInteger(sentenceConfig.max_seq_length) ??
    Math.min(positiveInteger(config.max_position_embeddings) ?? 512, 512);
  const pooling = manifest.pooling;
  return {
    kind: 'onnx',
    dir,
    dimensions,
    maxTokens,
    output: typeof manifest.output === 'string' ? manifest.output : 'last_hidden_state',
    pooling:
      pooling === 'mean' || pooling === 'cls' || pooling === 'none' ? pooling : poolingOf(dir),
    normalize: manifest.normalize !== false,
    quantization: typeof manifest.quantization === 'string' ? manifest.quantization : 'fp32',
  };
}
