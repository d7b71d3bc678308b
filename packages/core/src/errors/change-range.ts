import { SourceError } from './errors.js';

/**
 * Checks a change range against the table's latest version, with the errors both Delta
 * engines give (`SourceError` reasons `version-out-of-range` and `invalid-range`). `table`
 * names the table in the messages, e.g. `the table` or its catalog name. For source authors.
 */
export function checkChangeRange(range: {
  fromVersion: number;
  toVersion: number;
  latest: number;
  table: string;
}): void {
  const { fromVersion, toVersion, latest, table } = range;
  if (fromVersion > latest) {
    throw new SourceError(
      'version-out-of-range',
      `The change range starts at version ${fromVersion}, but the latest version of ${table} is ${latest}: there are no changes to read yet. Start at version ${latest} or earlier.`,
    );
  }
  if (fromVersion > toVersion) {
    throw new SourceError(
      'invalid-range',
      `The change range starts at version ${fromVersion}, after its end version ${toVersion}. Pass a start version that is not greater than the end version.`,
    );
  }
  if (toVersion > latest) {
    throw new SourceError(
      'version-out-of-range',
      `The change range ends at version ${toVersion}, but the latest version of ${table} is ${latest}. End at version ${latest} or earlier, or leave the end out.`,
    );
  }
}
