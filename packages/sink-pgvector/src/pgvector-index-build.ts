import type { SinkBuildProgress } from '@drift-spark/core';
import type { SqlDriver, SqlExecutor } from './pgvector-driver.js';

export interface HnswBuildOptions {
  /** The table and the index name, both quoted. */
  table: string;
  indexName: string;
  dimensions: number;
  /** maintenance_work_mem for the build; default sized to the data (see `buildMemoryBytes`). */
  memory?: string;
  /** Parallel workers; default what the server allows (`max_parallel_maintenance_workers`). */
  workers?: number;
  /**
   * Called every `progressEveryMs` (default 2 s) while the build runs, when the driver has
   * a second connection: PostgreSQL's phase, and rows put in the graph of how many (a
   * parallel build: heap blocks scanned; 0 while unknown).
   */
  onProgress?: (progress: SinkBuildProgress) => void;
  progressEveryMs?: number;
}

const megabyte = 1024 * 1024;
/** Without a bound from the caller, the build asks for at most this much memory. */
const defaultMemoryCap = 4096 * megabyte;
/** PostgreSQL gives each participant of a parallel build at least this much (plan_create_index_workers). */
const memoryPerParticipant = 32 * megabyte;

/**
 * pgvector builds HNSW several times faster while the whole graph fits in
 * maintenance_work_mem; past it, it says "hnsw graph no longer fits" and slows down.
 * A graph element is the vector plus its neighbour lists (2m level-0 neighbours and the
 * upper levels, ~1 KB at m = 16), with a margin for the allocator.
 */
export function buildMemoryBytes(rows: number, dimensions: number, serverSetting: number): number {
  const graph = Math.ceil(rows * (dimensions * 4 + 1024) * 1.25);
  return Math.max(serverSetting, Math.min(defaultMemoryCap, graph), 64 * megabyte);
}

/**
 * Builds the HNSW index on a table that holds its rows: with the parallel workers the
 * server allows (the planner would otherwise give none to a table whose vectors live in
 * TOAST, its heap being small) and memory sized to the data, settings local to the build's
 * transaction. Reports progress from a second connection while it runs.
 */
export async function buildHnswIndex(driver: SqlDriver, options: HnswBuildOptions): Promise<void> {
  const stopProgress = watchProgress(driver, options);
  try {
    await build(driver, options);
  } catch (error) {
    // A parallel build shares its graph through /dev/shm, 64 MB in a default Docker
    // container: too small for it, the build runs again in the server process alone.
    if (options.workers === 0 || !/shared memory/i.test(String((error as Error)?.message)))
      throw error;
    await build(driver, { ...options, workers: 0 });
  } finally {
    stopProgress();
  }
}

function build(driver: SqlDriver, options: HnswBuildOptions): Promise<void> {
  const { table, indexName } = options;
  return driver.transaction(async (executor) => {
    // Two processes building it at once would both build, and one fail on the name.
    await executor.query('select pg_advisory_xact_lock(hashtext($1))', [`drift:index:${table}`]);
    await applyBuildSettings(executor, options, driver.concurrent);
    await executor.query(
      `create index if not exists ${indexName} on ${table} using hnsw (embedding vector_cosine_ops)`,
    );
  });
}

async function applyBuildSettings(
  executor: SqlExecutor,
  options: HnswBuildOptions,
  concurrent: boolean,
): Promise<void> {
  const [settings] = await executor.query<{ workers: number; memory: string; rows: string }>(
    `select current_setting('max_parallel_maintenance_workers')::int as workers,
            pg_size_bytes(current_setting('maintenance_work_mem'))::text as memory,
            (select count(*) from ${options.table})::text as rows`,
  );
  const sized = buildMemoryBytes(
    Number(settings?.rows ?? 0),
    options.dimensions,
    Number(settings?.memory),
  );
  // One connection is PGlite (or a client you passed): inside WebAssembly the whole
  // process has a few GB, so its build keeps the former fixed 512 MB.
  const bytes = concurrent ? sized : Math.min(sized, 512 * megabyte);
  const memory = options.memory ?? `${Math.ceil(bytes / megabyte)}MB`;
  await executor.query(`select set_config('maintenance_work_mem', $1, true)`, [memory]);
  const [granted] = await executor.query<{ bytes: string }>(
    `select pg_size_bytes(current_setting('maintenance_work_mem'))::text as bytes`,
  );
  const byMemory = Math.floor(Number(granted?.bytes) / memoryPerParticipant) - 1;
  const workers = Math.max(0, Math.min(options.workers ?? settings?.workers ?? 0, byMemory));
  await executor.query(`select set_config('max_parallel_maintenance_workers', $1, true)`, [
    String(workers),
  ]);
  if (workers > 0)
    await executor.query(`select set_config('min_parallel_table_scan_size', '0', true)`);
}

/** Polls the build's progress on another connection; returns the function that stops it. */
function watchProgress(driver: SqlDriver, options: HnswBuildOptions): () => void {
  const { onProgress } = options;
  if (!onProgress || !driver.concurrent) return () => {};
  let stopped = false;
  let polling = false;
  const poll = async () => {
    if (polling || stopped) return;
    polling = true;
    try {
      // A serial build counts rows; a parallel one counts the heap blocks the workers scanned.
      const [row] = await driver.query<{ phase: string; done: string; total: string }>(
        `select phase,
                (case when tuples_total > 0 then tuples_done else blocks_done end)::text as done,
                (case when tuples_total > 0 then tuples_total else blocks_total end)::text as total
           from pg_stat_progress_create_index where relid = $1::regclass`,
        [options.table],
      );
      if (row && !stopped)
        onProgress({ phase: row.phase, done: Number(row.done), total: Number(row.total) });
    } catch {
      // Progress is a courtesy: a failed poll never fails the build.
    } finally {
      polling = false;
    }
  };
  const timer = setInterval(() => void poll(), options.progressEveryMs ?? 2000);
  timer.unref?.();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
