/**
 * A Sink is a vector store. What it stores beside the vector is a contract that
 * applications read directly: the same names in every sink.
 */

/** The similarity a sink ranks by (cosine only, in v1). */
export type Distance = 'cosine';

/** Stored beside every vector, under these exact names (pgvector columns, Qdrant payload keys). */
export interface PointPayload {
  /** The row's canonical key. */
  key: string;
  /** The source id. */
  source: string;
  /** The embedded text, or null when the user opted out of storing it. */
  content: string | null;
  /** Hex SHA-256 of the embedded text. */
  content_hash: string;
  /** The embedder id, e.g. `openai/text-embedding-3-small`. */
  model: string;
  run_id: string;
  metadata: Record<string, unknown> | null;
}

/** A vector to store, with its stable id and the payload stored beside it. */
export interface Point {
  /** A UUID (see `pointId`). */
  id: string;
  vector: Float32Array;
  payload: PointPayload;
}

/** A point read back: the vector only when asked for. */
export interface StoredPoint {
  id: string;
  vector?: Float32Array;
  payload: PointPayload;
}

/** One result of `search`: the nearest points first. */
export interface SearchHit {
  id: string;
  /** Cosine similarity, higher is nearer (1 = same direction). */
  score: number;
  payload: PointPayload;
}

/** What the engine asks `open` to create or verify. */
export interface SinkOpenOptions {
  dimensions: number;
  distance: Distance;
  /** The embedder id the vectors come from; a sink refuses to mix models. */
  model: string;
  signal?: AbortSignal;
}

/** What `open` found. A sink that cannot tell leaves a field out. */
export interface SinkOpenResult {
  /**
   * True when this `open` created the table/collection (it did not exist), so it holds
   * no points whatever a ledger remembers writing there; false when it existed.
   */
  created?: boolean;
}

/** Options of every sink call after `open`. */
export interface SinkCallOptions {
  signal?: AbortSignal;
}

/** Where a sink's long deferred build is (pgvector: from `pg_stat_progress_create_index`). */
export interface SinkBuildProgress {
  /** The store's own phase name, e.g. "building index: loading tuples". */
  phase: string;
  /** Work done so far, and of how much (0 while unknown). */
  done: number;
  total: number;
}

/** Options of `finalize`: a signal, and a callback told how a long deferred build progresses. */
export interface SinkFinalizeOptions extends SinkCallOptions {
  /** Told now and then where a long build is (a sink that cannot tell never calls it). */
  onProgress?: (progress: SinkBuildProgress) => void;
}

/** How a sink searches, for `drift status`. */
export interface SinkSearchIndex {
  /** The ANN index searches use (e.g. `HNSW`, `IVF_PQ`), or null: each search scans every point. */
  index: string | null;
  /** Rows from which the sink builds one by itself (absent when it never does). */
  buildsAt?: number;
  /** What to do to get one. */
  hint?: string;
}

/** What a sink declares about itself; the engine paces its writes by it. */
export interface SinkCapabilities {
  /** Whether upsert/delete may be called while another call is in flight. */
  concurrentWrites: boolean;
  /** Most points per upsert call; the engine splits larger batches. */
  maxPointsPerWrite?: number;
}

/**
 * A stable name that applications query instead of a sink's own table or collection (a
 * PostgreSQL view, a Qdrant collection alias), so an index can be swapped under them:
 * `drift migrate cutover` points it at the new model's sink, `rollback` back. Names
 * live in the sink's store (the same database schema, the same Qdrant server).
 */
export interface SinkAlias {
  /** This sink's table or collection as `read` reports a name's target. */
  readonly target: string;
  /**
   * Points `name` at this sink's table/collection in one atomic step: creates it, or
   * moves it from wherever it pointed. Idempotent. Refuses a `name` that is a table or
   * collection itself. Needs an open sink.
   */
  point(name: string, options?: SinkCallOptions): Promise<void>;
  /** What `name` points at now (a `target`), or undefined when there is no such name. */
  read(name: string, options?: SinkCallOptions): Promise<string | undefined>;
}

/** The sink contract (specification v1): where vectors and their payloads are kept. */
export interface SinkV1 {
  readonly specificationVersion: 'v1';
  /** Canonical URI without credentials, e.g. `qdrant://localhost:6333/docs`. */
  readonly id: string;
  readonly capabilities?: SinkCapabilities;
  /**
   * Whether what is written outlives the process (default true). An in-memory store,
   * empty in every new process, says `false`: the engine then trusts no ledger record
   * of it (no dedup, no checkpoint), since the ledger outlives the store.
   */
  readonly persistent?: boolean;
  /**
   * Create the table/collection or verify it; refuses a dimension or model mismatch.
   * Resolves with what it found (say `created` when you can), or with nothing.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: sinks written before the result existed resolve with nothing
  open(options: SinkOpenOptions): Promise<SinkOpenResult | undefined | void>;
  /** Insert or overwrite by id. Resolves only once the points are durable and visible. */
  upsert(points: Point[], options?: SinkCallOptions): Promise<void>;
  /** Remove by id; ids that do not exist are ignored. */
  delete(ids: string[], options?: SinkCallOptions): Promise<void>;
  /** The points that exist among `ids` (missing ids are left out). */
  retrieve(
    ids: string[],
    options?: SinkCallOptions & { withVectors?: boolean },
  ): Promise<StoredPoint[]>;
  /** Every point, in bounded batches. */
  scan(
    options?: SinkCallOptions & { batchSize?: number; withVectors?: boolean },
  ): AsyncIterable<StoredPoint[]>;
  search(vector: Float32Array, options: SinkCallOptions & { k: number }): Promise<SearchHit[]>;
  count(options?: SinkCallOptions): Promise<number>;
  /** Optional: a stable name for applications (see `SinkAlias`); absent where the store has none. */
  readonly alias?: SinkAlias;
  /**
   * Optional: removes the table/collection and every point in it (irreversible), and
   * leaves the sink closed for writing. A name pointing at it is refused or dropped by the
   * store; callers move names first. Needs an open sink.
   */
  drop?(options?: SinkCallOptions): Promise<void>;
  /**
   * Optional: does now the work the sink deferred during a bulk load (pgvector and LanceDB
   * build their search index after a first load). The engine calls it after the last
   * write of `embed()`; without it, `close()` does the same. Idempotent; needs an open sink.
   */
  finalize?(options?: SinkFinalizeOptions): Promise<void>;
  /** Optional: which search index the sink uses, or that it scans (see `SinkSearchIndex`). May need an open sink. */
  searchIndex?(options?: SinkCallOptions): Promise<SinkSearchIndex>;
  close(): Promise<void>;
}

/** The current sink contract. */
export type Sink = SinkV1;
