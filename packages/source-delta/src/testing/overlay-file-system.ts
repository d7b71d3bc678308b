import { deltaError } from '../delta-errors.js';
import type { DeltaFileSystem } from '../file-system/delta-file-system.js';
import { createLocalFileSystem } from '../file-system/local-file-system.js';

export interface OverlayOptions {
  /** Files that look deleted (matched on the end of their path). */
  hide?: string[];
  /** Replacement text for files (matched on the end of their path). */
  replace?: Record<string, (original: string) => string>;
  /** Every path read, in order. */
  reads?: string[];
}

/**
 * A local filesystem seen through changes made in memory only, so tests can simulate
 * VACUUM, damaged logs or unknown features without writing to the shared fixtures.
 */
export function createOverlayFileSystem(options: OverlayOptions): DeltaFileSystem {
  const base = createLocalFileSystem();
  const hidden = (path: string) => (options.hide ?? []).some((suffix) => path.endsWith(suffix));
  const replacement = (path: string) =>
    Object.entries(options.replace ?? {}).find(([suffix]) => path.endsWith(suffix))?.[1];
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const content = async (path: string): Promise<Uint8Array | undefined> => {
    const replace = replacement(path);
    if (!replace) return undefined;
    return encoder.encode(replace(decoder.decode(await base.read(path))));
  };
  return {
    ...base,
    async list(directory, callOptions) {
      const files = await base.list(directory, callOptions);
      if (!files) return files;
      const result = [];
      for (const file of files) {
        if (hidden(file.path)) continue;
        const replaced = await content(file.path);
        result.push(replaced ? { ...file, size: replaced.byteLength } : file);
      }
      return result;
    },
    async read(path, callOptions) {
      options.reads?.push(path);
      if (hidden(path)) throw deltaError('file-missing', `The file ${path} does not exist.`);
      const replaced = await content(path);
      if (!replaced) return base.read(path, callOptions);
      const range = callOptions?.range;
      return range ? replaced.subarray(range.start, range.end) : replaced;
    },
    async stat(path, callOptions) {
      if (hidden(path)) return undefined;
      const info = await base.stat(path, callOptions);
      const replaced = info ? await content(path) : undefined;
      return info && replaced ? { ...info, size: replaced.byteLength } : info;
    },
  };
}
