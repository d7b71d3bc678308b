import { expect } from 'vitest';
import {
  hasPendingWrites,
  type PendingWriteLedger,
} from '../../ledger-support/ledger-capabilities.js';
import type { Ledger, PendingWrite, RunStart } from '../../spec/ledger-v1.js';
import type { LedgerCase, LedgerKit } from './test-ledger-kit.js';

function pendingLedger(ledger: Ledger): PendingWriteLedger {
  if (hasPendingWrites(ledger)) return ledger;
  throw new Error(
    'The ledger has no notePendingWrite() and pendingWrites(): implement both, or declare skip.pendingWrites.',
  );
}

const write = (kit: LedgerKit, run: RunStart, keys: string[], overrides = {}): PendingWrite => ({
  runId: run.runId,
  sourceId: run.sourceId,
  sinkId: run.sinkId,
  upserts: keys.map((key) => kit.upsert(key)),
  deletes: [{ pointId: 'point-gone', sourceId: run.sourceId, key: 'gone' }],
  ...overrides,
});

/** Pending writes: noted before a sink write, listed per (source, sink), settled by a batch. */
export const pendingCases: LedgerCase[] = [
  {
    name: 'keeps a pending write as noted, listed for its source and sink only, oldest first',
    async run(kit) {
      const { ledger: started, run } = await kit.started();
      const ledger = pendingLedger(started);
      const first = write(kit, run, ['1', 'ключ-é']);
      const firstId = await ledger.notePendingWrite(first);
      const secondId = await ledger.notePendingWrite(write(kit, run, ['2']));
      await ledger.notePendingWrite(write(kit, run, ['3'], { sinkId: 'sink-b' }));
      await ledger.notePendingWrite(write(kit, run, ['4'], { sourceId: 'source-b' }));
      expect(Number.isSafeInteger(firstId) && Number.isSafeInteger(secondId)).toBe(true);
      expect(secondId).not.toBe(firstId);
      const listed = await ledger.pendingWrites('source-a', 'sink-a');
      expect(listed.map((entry) => entry.id)).toEqual([firstId, secondId]);
      expect(listed[0]).toMatchObject({ ...first, id: firstId });
      expect(listed[0]!.at).toBeInstanceOf(Date);
      expect(await ledger.pendingWrites('source-z', 'sink-a')).toEqual([]);
      // Noting is not recording: no point is live until a batch commits it.
      expect(await ledger.countPoints('sink-a')).toBe(0);
    },
  },
  {
    name: 'a committed batch settles the pending writes it names; a batch that fails settles none',
    async run(kit) {
      const { ledger: started, run } = await kit.started();
      const ledger = pendingLedger(started);
      const one = await ledger.notePendingWrite(write(kit, run, ['1']));
      const two = await ledger.notePendingWrite(write(kit, run, ['2']));
      const bad = { ...kit.upsert('bad'), key: null as unknown as string };
      await expect(
        ledger.commitBatch(kit.batch(run, { upserts: [bad], settles: [one] })),
      ).rejects.toThrow();
      expect((await ledger.pendingWrites('source-a', 'sink-a')).map((entry) => entry.id)).toEqual([
        one,
        two,
      ]);
      await ledger.commitBatch(kit.batch(run, { upserts: [kit.upsert('1')], settles: [one] }));
      expect((await ledger.pendingWrites('source-a', 'sink-a')).map((entry) => entry.id)).toEqual([
        two,
      ]);
      expect(await ledger.countPoints('sink-a')).toBe(1);
      // A batch with nothing but a settlement (the write reached nothing) is a valid batch.
      await ledger.commitBatch(kit.batch(run, { settles: [two] }));
      expect(await ledger.pendingWrites('source-a', 'sink-a')).toEqual([]);
    },
  },
];
