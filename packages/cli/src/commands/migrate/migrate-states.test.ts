import type { MigrationRecord, MigrationState } from '@drift-spark/core/internal';
import { describe, expect, it } from 'vitest';
import { defaultTargetSinkUri } from './migrate-context.js';
import { checkStep } from './migrate-states.js';

const inState = (state: MigrationState) => ({ id: 'm1', state }) as MigrationRecord;

describe('drift migrate steps', () => {
  it('runs a step from its states, is a no-op where it leads, refuses the rest with what to run first', () => {
    expect(checkStep(inState('backfilled'), 'cutover')).toBe('run');
    expect(checkStep(inState('rolled-back'), 'cutover')).toBe('run');
    expect(checkStep(inState('cut-over'), 'cutover')).toBe('done');
    expect(checkStep(inState('cut-over'), 'finish')).toBe('run');
    expect(checkStep(inState('finished'), 'finish')).toBe('done');
    expect(() => checkStep(inState('backfilling'), 'cutover')).toThrow(
      /backfilling; its backfill has not finished: run drift migrate start again/,
    );
    expect(() => checkStep(inState('backfilled'), 'rollback')).toThrow(
      /run drift migrate cutover first/,
    );
    expect(() => checkStep(inState('rolled-back'), 'finish')).toThrow(
      /run drift migrate cutover first/,
    );
    expect(() => checkStep(inState('finished'), 'eval')).toThrow(/start a new migration/);
  });

  it('names SINK_B after SINK_A and model B', () => {
    expect(
      defaultTargetSinkUri('pglite:///data/db?table=docs', 'bedrock/amazon.titan-embed-text-v2:0'),
    ).toBe('pglite:///data/db?table=docs_titan_embed_text_v2_0');
    expect(defaultTargetSinkUri('qdrant://localhost:6333/docs', 'local/all-MiniLM-L6-v2')).toBe(
      'qdrant://localhost:6333/docs_all_minilm_l6_v2',
    );
  });
});
