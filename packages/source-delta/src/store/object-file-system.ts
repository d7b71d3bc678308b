import type {
  ByteRange,
  DeltaFileInfo,
  DeltaFileSystem,
} from '../file-system/delta-file-system.js';
import { resolveObjectPath } from '../file-system/table-uri.js';
import type { StoreRequests } from './store-requests.js';

/** One page of a delimited listing, as an object store answered it. */
export interface ObjectListPage {
  /** The objects of the page, without directory markers. */
  files: DeltaFileInfo[];
  /** Whether the page held anything at all (objects, markers or sub-prefixes). */
  found: boolean;
  /** The token of the next page, if any. */
  next?: string;
}

/** What a page request asks for: where to continue, where to start, how many at most. */
export interface ObjectListRequest {
  token?: string;
  /** The full key to start after (the prefix included). */
  startAfter?: string;
  maxKeys?: number;
}

/** The few calls of an object store that a `DeltaFileSystem` needs. */
export interface ObjectStoreCalls<L extends { key: string }> {
  /** Parses a URI of this store (throws a TypeError for another store's). */
  locate(uri: string): L;
  /** One page of the objects under `prefix` (through the store's request queue). */
  listPage(
    location: L,
    prefix: string,
    page: ObjectListRequest,
    signal?: AbortSignal,
  ): Promise<ObjectListPage>;
  /** The bytes of an object, or of `range` of it (run inside the request queue). */
  read(location: L, range: ByteRange | undefined, signal?: AbortSignal): Promise<Uint8Array>;
  /** An object's size and time (run inside the request queue). */
  head(location: L, target: string, signal?: AbortSignal): Promise<DeltaFileInfo>;
}

/**
 * A `DeltaFileSystem` over an object store: paged listing, ranged reads and stat through
 * the shared request queue (bounded, retried, one-line errors), a missing object as
 * `undefined`, and object-store path resolution.
 */
export function createObjectFileSystem<L extends { key: string }>(
  calls: ObjectStoreCalls<L>,
  requests: StoreRequests,
): DeltaFileSystem {
  return {
    async list(directory, callOptions = {}) {
      const location = calls.locate(directory);
      const prefix = location.key ? `${location.key}/` : '';
      const files: DeltaFileInfo[] = [];
      let found = false;
      let token: string | undefined;
      const startAfter = callOptions.startAfter ? prefix + callOptions.startAfter : undefined;
      do {
        const page = await calls.listPage(
          location,
          prefix,
          { token, startAfter },
          callOptions.signal,
        );
        if (page.found) found = true;
        files.push(...page.files);
        token = page.next;
      } while (token);
      return found ? files : undefined;
    },

    async read(target, callOptions = {}) {
      const location = calls.locate(target);
      const { range, signal } = callOptions;
      if (range && range.end <= range.start) return new Uint8Array(0);
      return requests.run(target, () => calls.read(location, range, signal), signal);
    },

    async stat(target, callOptions = {}) {
      const location = calls.locate(target);
      try {
        return await requests.run(
          target,
          () => calls.head(location, target, callOptions.signal),
          callOptions.signal,
        );
      } catch (error) {
        if ((error as { reason?: unknown }).reason === 'file-missing') return undefined;
        throw error;
      }
    },

    async isDirectory(target, callOptions = {}) {
      const location = calls.locate(target);
      const prefix = location.key ? `${location.key}/` : '';
      const page = await calls.listPage(location, prefix, { maxKeys: 1 }, callOptions.signal);
      return page.found;
    },

    resolve: resolveObjectPath,
    rangedReads: true,
  };
}
