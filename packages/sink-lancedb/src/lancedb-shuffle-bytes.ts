/** Bytes of quantized vectors Lance's IVF shuffle holds before it sorts and spills them. */
export const INDEX_SHUFFLE_BYTES = String(16 * 1024 * 1024);

/**
 * Bounds the buffer of Lance's IVF shuffle, unless the user set `LANCE_SHUFFLE_BATCH_BYTES`.
 * Lance 10 (in @lancedb/lancedb 0.37.1) keeps up to 128 MiB of transformed rows (partition
 * id, SQ codes, row id) before it sorts them by partition and writes them to its temporary
 * shuffle file; at 100k × 1536-d that is most of the table at once, the ~150 MB peak at the
 * start of the index build (bench/README.md, "LanceDB: memory and index"). A smaller buffer
 * only means more, smaller sorted runs in that file. Lance reads the variable each time it
 * starts a shuffle, so setting it before the first build is enough.
 */
export function boundIndexShuffleBytes(env: NodeJS.ProcessEnv = process.env): void {
  if (env.LANCE_SHUFFLE_BATCH_BYTES === undefined)
    env.LANCE_SHUFFLE_BATCH_BYTES = INDEX_SHUFFLE_BYTES;
}
