import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { trimNativeMemoryNow } from './native-memory.js';

let collectGarbage: (() => void) | undefined;

/**
 * Before a step that needs much memory of its own (a sink's index build after a first
 * load), let the write phase's garbage go: a full V8 collection frees the batches' vector
 * buffers it still holds (measured: ~75 MB at 100k rows, otherwise freed only during the
 * build), then glibc gives the freed pages back. Only with the native-memory policy
 * applied (`DRIFT_NATIVE_MEMORY=off` leaves memory alone). Returns whether it ran.
 */
export function releaseMemory(): boolean {
  if (!trimNativeMemoryNow()) return false;
  try {
    // The same way Jest's --logHeapUsage reaches `gc` without a command-line flag.
    if (!collectGarbage) {
      setFlagsFromString('--expose-gc');
      collectGarbage = runInNewContext('gc') as () => void;
    }
    collectGarbage();
  } catch {
    // No collector reachable: the trim above is all there is.
  }
  trimNativeMemoryNow();
  return true;
}
