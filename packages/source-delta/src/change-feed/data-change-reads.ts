import type { ChangeType } from '@drift-spark/core';
import type { AddAction, DeltaAction, RemoveAction } from '../log/delta-actions.js';
import { decodePath } from '../log/delta-snapshot.js';
import type { RowSelection } from '../parquet/data-file-reader.js';

/** One data file to read for a commit's changes: which rows, and as what change. */
export interface DataChangeRead {
  path: string;
  type: ChangeType;
  size: number | null | undefined;
  partitionValues: Record<string, string | null> | null | undefined;
  selection: RowSelection;
}

/** Loads the row positions of a deletion vector (an empty set for none). */
export type DeletionVectorLoader = (
  descriptor: AddAction['deletionVector'],
) => Promise<Set<number>>;

/**
 * The changes of a commit without `cdc` files, from its `add`/`remove` actions with
 * `dataChange`: an added file's rows are inserts, a removed file's rows deletes, and an
 * add/remove pair of the same file (a deletion-vector update) the difference of the two
 * vectors.
 */
export async function dataChangeReads(
  actions: DeltaAction[],
  load: DeletionVectorLoader,
): Promise<DataChangeRead[]> {
  const adds = new Map<string, AddAction>();
  const removes = new Map<string, RemoveAction>();
  for (const action of actions) {
    if (action.add?.dataChange) adds.set(decodePath(action.add.path), action.add);
    if (action.remove?.dataChange) removes.set(decodePath(action.remove.path), action.remove);
  }
  const reads: DataChangeRead[] = [];
  for (const [path, add] of adds) {
    const remove = removes.get(path);
    if (remove) {
      // A deletion-vector update of one file: rows leave or come back.
      const addDv = await load(add.deletionVector);
      const removeDv = await load(remove.deletionVector);
      reads.push({
        path,
        type: 'insert',
        size: add.size,
        partitionValues: add.partitionValues,
        selection: { kind: 'include', positions: difference(removeDv, addDv) },
      });
      reads.push({
        path,
        type: 'delete',
        size: add.size,
        partitionValues: add.partitionValues,
        selection: { kind: 'include', positions: difference(addDv, removeDv) },
      });
      removes.delete(path);
    } else {
      reads.push(await wholeFileRead(path, 'insert', add, load));
    }
  }
  for (const [path, remove] of removes) {
    reads.push(await wholeFileRead(path, 'delete', remove, load));
  }
  return reads;
}

/** Every row of a file added or removed, but those its deletion vector already hides. */
async function wholeFileRead(
  path: string,
  type: ChangeType,
  action: AddAction | RemoveAction,
  load: DeletionVectorLoader,
): Promise<DataChangeRead> {
  const selection: RowSelection = action.deletionVector
    ? { kind: 'exclude', positions: await load(action.deletionVector) }
    : { kind: 'all' };
  return {
    path,
    type,
    size: action.size,
    partitionValues: action.partitionValues,
    selection,
  };
}

function difference(left: Set<number>, right: Set<number>): Set<number> {
  const result = new Set<number>();
  for (const value of left) if (!right.has(value)) result.add(value);
  return result;
}
