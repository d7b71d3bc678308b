import { PluginStateError } from '../errors/errors.js';
import { assertSpecificationVersion } from '../spec/assert-specification.js';
import type { LedgerReportsV1 } from '../spec/ledger-reports-v1.js';
import type { Ledger, LedgerV1 } from '../spec/ledger-v1.js';
import { isGuarded, markGuarded } from './guard-marker.js';
import { createInFlight } from './in-flight.js';
import { invoke } from './invoke.js';

type LedgerMethod =
  | Exclude<keyof LedgerV1, 'specificationVersion' | 'close' | 'migrations'>
  | keyof LedgerReportsV1;

/** The engine contract's required methods. */
const methods: readonly LedgerMethod[] = [
  'startRun',
  'finishRun',
  'recentRuns',
  'getPoints',
  'findByContentHash',
  'countPoints',
  'commitBatch',
  'getCheckpoint',
  'setCheckpoint',
];

/** Optional capabilities and the reporting queries: passed through only when the ledger has them. */
const optionalMethods: readonly LedgerMethod[] = [
  'livePoints',
  'pointsOfKeys',
  'recordErasure',
  'erasedPoints',
  'sinksOfSource',
  'saveErasureReceipt',
  'keepRetiredVectors',
  'findRetiredVectors',
  'notePendingWrite',
  'pendingWrites',
  'cost',
  'provenance',
  'getRun',
  'failures',
  'checkIntegrity',
  'erasureReceipts',
];

/**
 * The ledger as the engine uses it: checked specification version; no call after close
 * (a PluginStateError); close idempotent, waiting for calls in flight (a commit is
 * never cut short by a close).
 */
export function guardLedger(ledger: Ledger): LedgerV1 {
  if (isGuarded(ledger)) return ledger;
  assertSpecificationVersion(ledger, 'ledger');
  let closing: Promise<void> | undefined;
  const inFlight = createInFlight();
  const guarded: Record<string, unknown> = { specificationVersion: 'v1' };
  const present = optionalMethods.filter(
    (name) => typeof (ledger as Partial<Record<LedgerMethod, unknown>>)[name] === 'function',
  );
  for (const name of [...methods, ...present]) {
    const method = (ledger as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[
      name
    ]!;
    guarded[name] = (...args: unknown[]) => {
      if (closing) {
        return Promise.reject(
          new PluginStateError(`The ledger was asked to ${name} after close(); open a new one.`),
        );
      }
      return inFlight.track(invoke(() => method.apply(ledger, args)));
    };
  }
  guarded.close = () => {
    closing ??= (async () => {
      await inFlight.settled();
      await ledger.close();
    })();
    return closing;
  };
  return markGuarded(guarded as unknown as LedgerV1);
}
