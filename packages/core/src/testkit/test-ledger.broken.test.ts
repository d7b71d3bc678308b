import { afterEach, describe, expect, it } from 'vitest';
import { LockedError } from '../errors/errors.js';
import { createMemoryLedger, type MemoryLedger } from '../memory/memory-ledger.js';
import type { LivePoint } from '../spec/ledger-v1.js';
import { createLedgerKit, type LedgerKit } from './ledger/test-ledger-kit.js';
import { ledgerCases } from './test-ledger.js';

// Tests of the testkit itself: a ledger broken in one way fails the rule that guards it,
// and the sound memory ledger passes the same rule (so the failure is the break's).

type Break = (inner: MemoryLedger, abandoned: Set<string>) => Partial<MemoryLedger>;

const breaks: { rule: string; section: string; how: string; change: Break }[] = [
  {
    how: 'commits the rows of a batch one by one',
    section: 'points',
    rule: 'commits a batch atomically',
    change: (inner) => ({
      async commitBatch(batch) {
        await inner.commitBatch({ ...batch, upserts: [], failures: [] });
        for (const upsert of batch.upserts)
          await inner.commitBatch({ ...batch, deletes: [], upserts: [upsert] });
      },
    }),
  },
  {
    how: 'loses the points beyond its first thousand',
    section: 'points',
    rule: 'commits and reads back a large batch',
    change: (inner) => ({
      async getPoints(sinkId, pointIds) {
        return inner.getPoints(sinkId, pointIds.slice(0, 1000));
      },
    }),
  },
  {
    how: 'hands out the same point objects to every caller',
    section: 'points',
    rule: 'keeps its own copies',
    change: (inner) => {
      const handedOut = new Map<string, LivePoint>();
      return {
        async getPoints(sinkId, pointIds) {
          const found = await inner.getPoints(sinkId, pointIds);
          for (const [id, point] of found) {
            const kept = handedOut.get(id) ?? point;
            handedOut.set(id, kept);
            found.set(id, kept);
          }
          return found;
        },
      };
    },
  },
  {
    how: 'checks the lock, then takes it, with a pause in between',
    section: 'runs',
    rule: 'lets exactly one of several concurrent runs',
    change: (inner, abandoned) => ({
      async startRun(run) {
        const runs = await inner.recentRuns({ sinkId: run.sinkId, limit: 1000 });
        const holder = runs.find(
          (recorded) => recorded.status === 'running' && recorded.sourceId === run.sourceId,
        );
        if (holder)
          throw new LockedError(`run ${holder.runId} holds it`, { holderRunId: holder.runId });
        await new Promise((resolve) => setTimeout(resolve, 5));
        // Its check said the pair was free: whatever holds it now is overwritten.
        for (const recorded of await inner.recentRuns({ limit: 1000 }))
          abandoned.add(recorded.runId);
        await inner.startRun(run);
      },
    }),
  },
  {
    how: 'keeps one checkpoint per source and sink, whatever the fingerprint',
    section: 'durability',
    rule: 'keeps checkpoints per source, sink and fingerprint',
    change: (inner) => ({
      getCheckpoint: (ref) => inner.getCheckpoint({ ...ref, fingerprint: '' }),
      setCheckpoint: (checkpoint) => inner.setCheckpoint({ ...checkpoint, fingerprint: '' }),
    }),
  },
  {
    how: 'forgets an erasure once the point is erased',
    section: 'erasure',
    rule: 'tells which points were erased',
    change: () => ({ erasedPoints: async () => new Set<string>() }),
  },
  {
    how: 'finds a kept vector whatever the fingerprint asked for',
    section: 'retiredVectors',
    rule: 'keeps vectors of edited chunks',
    change: (inner) => ({
      findRetiredVectors: async (sinkId, _fingerprint, hashes) => {
        const found = new Map<string, Float32Array>();
        for (const fingerprint of ['model/one@8', 'model/two@8'])
          for (const [hash, vector] of await inner.findRetiredVectors(sinkId, fingerprint, hashes))
            found.set(hash, vector);
        return found;
      },
    }),
  },
  {
    how: 'keeps the vectors of a key it erased',
    section: 'retiredErasure',
    rule: 'an erasure of a key drops',
    change: (inner) => {
      const kept: Parameters<MemoryLedger['keepRetiredVectors']>[] = [];
      return {
        async keepRetiredVectors(...args) {
          kept.push(args);
          await inner.keepRetiredVectors(...args);
        },
        async recordErasure(entries) {
          await inner.recordErasure(entries);
          for (const args of kept) await inner.keepRetiredVectors(...args);
        },
      };
    },
  },
];

function kitFor(change: Break | undefined): LedgerKit {
  const abandoned = new Set<string>();
  return createLedgerKit({
    create: () => {
      const inner = createMemoryLedger({ isHolderAlive: (holder) => !abandoned.has(holder.runId) });
      return { ...inner, ...change?.(inner, abandoned) };
    },
    abandonLock: (_ledger, runId) => void abandoned.add(runId),
  });
}

function rule(section: string, name: string) {
  const found = ledgerCases[section]?.find((candidate) => candidate.name.startsWith(name));
  if (!found) throw new Error(`no rule "${name}" in section ${section}`);
  return found;
}

describe('testLedger fails a broken ledger', () => {
  const kits: LedgerKit[] = [];
  afterEach(async () => {
    for (const kit of kits.splice(0)) await kit.closeAll();
  });

  for (const broken of breaks) {
    it(`catches a ledger that ${broken.how}`, async () => {
      const sound = kitFor(undefined);
      const faulty = kitFor(broken.change);
      kits.push(sound, faulty);
      const check = rule(broken.section, broken.rule);
      await check.run(sound);
      await expect(check.run(faulty)).rejects.toThrow();
    });
  }
});
