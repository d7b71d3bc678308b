import { expect } from 'vitest';
import type { LedgerCase } from './test-ledger-kit.js';

const ref = { sourceId: 'source-a', sinkId: 'sink-a', fingerprint: 'model/one@8' };

/** Checkpoints, and the lifecycle of one instance. */
export const durabilityCases: LedgerCase[] = [
  {
    name: 'keeps checkpoints per source, sink and fingerprint',
    async run(kit) {
      const ledger = await kit.fresh();
      await ledger.setCheckpoint({ ...ref, version: 3, runId: 'run-1' });
      await ledger.setCheckpoint({
        ...ref,
        fingerprint: 'model/two@8',
        version: 9,
        runId: 'run-2',
      });
      expect(await ledger.getCheckpoint(ref)).toMatchObject({ ...ref, version: 3, runId: 'run-1' });
      expect((await ledger.getCheckpoint(ref))!.updatedAt).toBeInstanceOf(Date);
      await ledger.setCheckpoint({ ...ref, version: 5, runId: 'run-3' });
      expect(await ledger.getCheckpoint(ref)).toMatchObject({ version: 5, runId: 'run-3' });
      const two = await ledger.getCheckpoint({ ...ref, fingerprint: 'model/two@8' });
      expect(two).toMatchObject({ version: 9 });
      expect(await ledger.getCheckpoint({ ...ref, sinkId: 'sink-b' })).toBeUndefined();
      expect(await ledger.getCheckpoint({ ...ref, sourceId: 'source-b' })).toBeUndefined();
    },
  },
  {
    name: 'refuses every call after close, and closes idempotently',
    async run(kit) {
      const { ledger, run } = await kit.started();
      await ledger.close();
      await ledger.close();
      const refused = kit.hasCode('plugin-state');
      await expect(ledger.countPoints('sink-a')).rejects.toSatisfy(refused);
      await expect(ledger.getPoints('sink-a', ['point-1'])).rejects.toSatisfy(refused);
      await expect(ledger.commitBatch(kit.batch(run, {}))).rejects.toSatisfy(refused);
      await expect(ledger.finishRun(run.runId, kit.finish())).rejects.toSatisfy(refused);
      await expect(ledger.startRun(kit.run({ sinkId: 'sink-b' }))).rejects.toSatisfy(refused);
    },
  },
];

/** A second instance on the same store: what one committed, the other reads (needs `reopen`). */
export const persistenceCases: LedgerCase[] = [
  {
    name: 'shows a reopened instance every run, point and checkpoint the first one committed',
    async run(kit) {
      const { ledger, run } = await kit.started();
      await ledger.commitBatch(kit.batch(run, { upserts: [kit.upsert('1'), kit.upsert('2')] }));
      await ledger.setCheckpoint({ ...ref, version: 4, runId: run.runId });
      // The first instance is never closed: as if its process had been killed.
      const after = await kit.reopen(ledger);
      expect(await after.countPoints('sink-a')).toBe(2);
      expect((await after.getPoints('sink-a', ['point-2'])).get('point-2')?.contentHash).toBe(
        'hash-2',
      );
      expect(await after.getCheckpoint(ref)).toMatchObject({ version: 4, runId: run.runId });
      expect((await after.recentRuns())[0]).toMatchObject({ runId: run.runId, status: 'running' });
    },
  },
  {
    name: 'holds the lock across instances until its holder is gone, then hands it over',
    async run(kit) {
      const { ledger, run } = await kit.started();
      const other = await kit.reopen(ledger);
      await expect(other.startRun(kit.run())).rejects.toSatisfy(kit.hasCode('locked'));
      await kit.options.abandonLock(other, run.runId);
      const next = kit.run();
      await other.startRun(next);
      await expect(ledger.startRun(kit.run())).rejects.toSatisfy(kit.hasCode('locked'));
      const runs = await ledger.recentRuns();
      expect(runs.find((recorded) => recorded.runId === run.runId)?.status).not.toBe('running');
    },
  },
  {
    name: 'leaves no trace of a failed batch in another instance',
    async run(kit) {
      const { ledger, run } = await kit.started();
      const bad = { ...kit.upsert('bad'), tokens: Number.NaN };
      await expect(
        ledger.commitBatch(kit.batch(run, { upserts: [kit.upsert('good'), bad] })),
      ).rejects.toThrow();
      const after = await kit.reopen(ledger);
      expect(await after.countPoints('sink-a')).toBe(0);
    },
  },
];
