import type { Point, SinkV1 } from '@drift-spark/core';
import { isPointId } from '@drift-spark/core/internal';
import { encodeBinaryCopy } from './pgvector-binary-copy.js';
import type { PgvectorContext } from './pgvector-context.js';
import { toWriteError } from './pgvector-errors.js';
import { uuidArray } from './pgvector-rows.js';

/** The columns of the public table contract, in COPY order (updated_at is set by the upsert). */
export const COPY_COLUMNS =
  'id, key, source, content, content_hash, model, embedding, metadata, run_id';

export interface PgvectorWriter extends Pick<SinkV1, 'upsert' | 'delete'> {
  /**
   * After `open`: whether the table fills `updated_at` by itself, which the direct COPY
   * needs (a table made elsewhere without the default takes the staged path only).
   */
  opened(insertFastPath: boolean): void;
}

/**
 * The write side of the pgvector sink.
 *
 * Writes: binary COPY into a per-connection temporary staging table (`stage`, quoted),
 * then one `insert … select … on conflict (id) do update`, in one transaction: durable
 * and visible when `upsert` resolves. While batches hold only new ids, a single binary
 * COPY straight into the table does the same at the engine's raw speed.
 */
export function pgvectorWriter(
  context: PgvectorContext & { stage: string; storeContent: boolean },
): PgvectorWriter {
  const { table, stage, storeContent, sinkId, ready, fail } = context;
  /** Whether the next upsert tries a plain COPY into the table first. */
  let insertFastPath = false;
  let fastPathAllowed = false;
  const writeFailure = (error: unknown, count: number) =>
    toWriteError(error, `write ${count === 1 ? '1 point' : `${count} points`} to ${table}`, sinkId);

  return {
    opened(fastPath) {
      insertFastPath = fastPath;
      fastPathAllowed = true;
    },

    async upsert(points, call) {
      const current = ready(call?.signal);
      if (points.length === 0) return;
      const dimensions = context.dimensions();
      // The same id twice in one statement is an error in `on conflict do update`: the last one wins.
      const unique = new Map<string, Point>();
      for (const point of points) unique.set(point.id, point);
      const data = encodeBinaryCopy([...unique.values()], { dimensions, storeContent });
      if (insertFastPath && fastPathAllowed) {
        // New points (a first load, new rows) go in with one COPY straight into the table:
        // the raw speed of the engine. COPY is one atomic statement, so if any id already
        // exists it fails whole (unique violation), nothing is written, and the batch takes
        // the staged path below; later batches stay on the staged path until one of them
        // holds only new ids again.
        try {
          await current.copyBinary(table, COPY_COLUMNS, data);
          return;
        } catch (error) {
          if ((error as { code?: unknown })?.code !== '23505')
            throw writeFailure(error, unique.size);
          fastPathAllowed = false;
        }
      }
      try {
        const inserted = await current.transaction(async (executor) => {
          await executor.query(
            `create temporary table if not exists ${stage} (
              id uuid, key text, source text, content text, content_hash text, model text,
              embedding vector(${dimensions}), metadata jsonb, run_id text
            ) on commit delete rows`,
          );
          await executor.copyBinary(stage, COPY_COLUMNS, data);
          const rows = await executor.query<{ inserted: string | number }>(
            `with written as (
               insert into ${table} (${COPY_COLUMNS}, updated_at)
               select ${COPY_COLUMNS}, now() from ${stage}
               on conflict (id) do update set
                 key = excluded.key, source = excluded.source, content = excluded.content,
                 content_hash = excluded.content_hash, model = excluded.model, embedding = excluded.embedding,
                 metadata = excluded.metadata, run_id = excluded.run_id, updated_at = excluded.updated_at
               returning (xmax = 0) as inserted
             ) select count(*) filter (where inserted)::text as inserted from written`,
          );
          return Number(rows[0]?.inserted ?? 0);
        });
        if (inserted === unique.size) fastPathAllowed = true;
      } catch (error) {
        throw writeFailure(error, unique.size);
      }
    },

    async delete(ids, call) {
      const current = ready(call?.signal);
      const valid = ids.filter(isPointId);
      if (valid.length === 0) return;
      try {
        await current.query(`delete from ${table} where id = any($1::uuid[])`, [uuidArray(valid)]);
      } catch (error) {
        throw fail(error, `delete ${valid.length} points from ${table}`);
      }
    },
  };
}
