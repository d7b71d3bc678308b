/**
 * What `forget`, `verify` and the sweep of a full `embed` read from a ledger: the
 * optional capabilities of `LedgerV1` (a ledger without them gets no sweep and no
 * erasure).
 */

/** A page of the live points of one source in one sink, in point-id order. */
export interface LivePointsQuery {
  sinkId: string;
  sourceId: string;
  /** Start after this point id (keyset paging); from the first when absent. */
  afterPointId?: string;
  /** Most points in the page. */
  limit: number;
}

/** What a sink answered after the delete of an erased point: the proof it is gone. */
export interface ErasureSinkProof {
  sinkId: string;
  pointId: string;
  /** The run (kind `forget`) that deleted it. */
  runId: string;
  /** Whether the ledger held a live point there before the erasure. */
  wasLive: boolean;
  /** Points a `retrieve` of the id returned after the delete: 0 is the proof. */
  retrievedAfterDelete: number;
  checkedAt: Date;
}

/** The receipt of one erased key. It holds no text and no content hash. */
export interface ErasureReceipt {
  /** Hex SHA-256 of source id + NUL + canonical key: the key itself is not kept here. */
  keyDigest: string;
  sourceId: string;
  /** The point id of the row (the same in every sink). */
  pointId: string;
  sinks: ErasureSinkProof[];
  /** A request reference given by the user, never the text. */
  reason?: string;
  at: Date;
}
