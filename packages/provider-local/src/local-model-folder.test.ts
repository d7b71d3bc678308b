import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultModelsDir, localModelName, readLocalModel } from './local-model-folder.js';

function sentenceTransformersFolder(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'drift-local-model-'));
  mkdirSync(join(dir, 'onnx'));
  mkdirSync(join(dir, '1_Pooling'));
  writeFileSync(join(dir, 'onnx', 'model.onnx'), '');
  for (const [name, content] of Object.entries({
    'tokenizer.json': {},
    'tokenizer_config.json': {},
    ...files,
  }))
    writeFileSync(join(dir, name), JSON.stringify(content));
  return dir;
}

describe('model folders', () => {
  it('defaults to DRIFT_MODELS_DIR, then the user cache', () => {
    expect(defaultModelsDir({ DRIFT_MODELS_DIR: '/srv/models' })).toBe('/srv/models');
    expect(defaultModelsDir({ XDG_CACHE_HOME: '/tmp/cache' })).toBe('/tmp/cache/drift/models');
    expect(defaultModelsDir({})).toBe(join(homedir(), '.cache', 'drift', 'models'));
  });

  it('takes names with or without local/, and refuses paths that climb out', () => {
    expect(localModelName('local/all-MiniLM-L6-v2')).toBe('all-MiniLM-L6-v2');
    expect(localModelName('org/model')).toBe('org/model');
    expect(() => localModelName('local/../etc')).toThrow(/not a local model name/);
  });

  it('reads a sentence-transformers export as it comes: size, length and pooling', () => {
    const dir = sentenceTransformersFolder({
      'config.json': { hidden_size: 768, max_position_embeddings: 514 },
      'sentence_bert_config.json': { max_seq_length: 384 },
      '1_Pooling/config.json': { pooling_mode_cls_token: true },
    });
    expect(readLocalModel(dir, 'm')).toEqual({
      kind: 'onnx',
      dir,
      dimensions: 768,
      maxTokens: 384,
      output: 'last_hidden_state',
      pooling: 'cls',
      normalize: true,
      quantization: 'fp32',
    });
  });

  it('lets drift-model.json say what the files cannot', () => {
    const dir = sentenceTransformersFolder({
      'config.json': { hidden_size: 384 },
      'drift-model.json': { maxTokens: 128, output: '461', pooling: 'none', quantization: 'int8' },
    });
    expect(readLocalModel(dir, 'm')).toMatchObject({
      dimensions: 384,
      maxTokens: 128,
      output: '461',
      pooling: 'none',
      quantization: 'int8',
    });
  });

  it('names the missing files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drift-local-model-'));
    writeFileSync(join(dir, 'config.json'), '{}');
    expect(() => readLocalModel(dir, 'm')).toThrow(
      `${dir} lacks tokenizer.json, tokenizer_config.json, onnx/model.onnx`,
    );
  });
});
