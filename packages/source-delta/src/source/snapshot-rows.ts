import type { Row } from '@drift-spark/core';
import { loadDeletionVector } from '../deletion-vectors/deletion-vector.js';
import type { DeltaLog } from '../log/delta-log.js';
import type { DeltaSnapshot } from '../log/delta-snapshot.js';
import { readDataFile } from '../parquet/data-file-reader.js';
import type { DeltaColumn } from '../schema/delta-schema.js';
import { readAhead } from './read-ahead.js';

/**
 * The rows of a snapshot, file by file and row group by row group, deletion vectors
 * applied. On an object store the next file is opened while this one is read.
 */
export async function* readSnapshotRows(
  log: DeltaLog,
  snapshot: DeltaSnapshot,
  columns: DeltaColumn[],
  signal?: AbortSignal,
  chunkRows?: number,
): AsyncGenerator<Row[]> {
  const readers = snapshot.files.map(
    (file) =>
      async function* () {
        signal?.throwIfAborted();
        const selection = file.deletionVector
          ? {
              kind: 'exclude' as const,
              positions: await loadDeletionVector(
                log.fileSystem,
                log.root,
                file.deletionVector,
                signal,
              ),
            }
          : { kind: 'all' as const };
        const chunks = readDataFile({
          fileSystem: log.fileSystem,
          root: log.root,
          path: file.path,
          size: file.size,
          partitionValues: file.partitionValues,
          columns,
          mappingMode: snapshot.schema.mappingMode,
          selection,
          context: `version ${snapshot.version}`,
          chunkRows,
          signal,
        });
        for await (const chunk of chunks) yield chunk.rows;
      },
  );
  yield* readAhead(readers, log.fileSystem.rangedReads ? 1 : 0);
}
