import { testLedger } from '../testkit/test-ledger.js';
import { createMemoryLedger } from './memory-ledger.js';

// The memory ledger passes the whole suite; it has no store to reopen.
const abandoned = new Set<string>();
testLedger({
  title: 'memory ledger conformance',
  create: () => createMemoryLedger({ isHolderAlive: (holder) => !abandoned.has(holder.runId) }),
  abandonLock: (_ledger, runId) => void abandoned.add(runId),
});
