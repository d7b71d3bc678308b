import { createRequire } from 'node:module';

/**
 * The native-memory policy of the `drift` process (glibc on Linux only).
 *
 * glibc keeps memory that native code frees: after the first large free it raises its mmap
 * threshold, so later multi-MB buffers (COPY buffers, ranged reads, Arrow slices) land in
 * the main heap between long-lived small blocks and are never returned, and every thread
 * of a native library (LanceDB's tokio workers) may get its own arena that holds freed
 * pages. Measured on a 100k-row embed, that retention is most of the peak RSS. Node cannot
 * call `mallopt`, so this calls libc through koffi (an optional dependency): a fixed mmap
 * threshold, at most two arenas, and `malloc_trim(0)` on a timer to give freed pages back.
 * Anything missing (not Linux, not glibc, koffi absent or failing) leaves glibc as it is.
 */

/** `DRIFT_NATIVE_MEMORY=off` leaves glibc's defaults alone. */
export const NATIVE_MEMORY_ENV = 'DRIFT_NATIVE_MEMORY';
/** Set by the user, these mean glibc is already tuned by hand: the policy steps aside. */
const GLIBC_ENV = [
  'GLIBC_TUNABLES',
  'MALLOC_ARENA_MAX',
  'MALLOC_MMAP_THRESHOLD_',
  'MALLOC_TRIM_THRESHOLD_',
];

const M_MMAP_THRESHOLD = -3;
const M_ARENA_MAX = -8;
/** Blocks from 128 KiB up are mmapped and unmapped when freed (glibc's own starting value, kept fixed). */
const MMAP_THRESHOLD_BYTES = 128 * 1024;
const ARENA_MAX = 2;
/** How often freed pages go back to the system while a command runs (cost measured in bench/README.md). */
export const TRIM_INTERVAL_MS = 1000;

/** The applied policy's trim, for `releaseMemory` (undefined while no policy is applied). */
let activeTrim: (() => void) | undefined;

/** Gives freed native memory back now, when the policy is applied; false otherwise. */
export function trimNativeMemoryNow(): boolean {
  activeTrim?.();
  return activeTrim !== undefined;
}

export type NativeMemoryPolicy =
  | { applied: true; trimNow: () => void; stop: () => void }
  | { applied: false; reason: string };

interface GlibcMalloc {
  mallopt: (param: number, value: number) => number;
  mallocTrim: (pad: number) => number;
}

function loadGlibcMalloc(): GlibcMalloc | string {
  if (process.platform !== 'linux') return `platform ${process.platform}`;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
    const libc = koffi.load('libc.so.6');
    // musl has no `gnu_get_libc_version`: the lookup throws and the policy stays off.
    libc.func('const char *gnu_get_libc_version()');
    return {
      mallopt: libc.func('int mallopt(int, int)') as GlibcMalloc['mallopt'],
      mallocTrim: libc.func('int malloc_trim(size_t)') as GlibcMalloc['mallocTrim'],
    };
  } catch (error) {
    return `glibc not reachable (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
}

/**
 * Applies the policy once, at the start of the process (before native sinks start their
 * threads, so they share the capped arenas). Never throws.
 */
export function applyNativeMemoryPolicy(
  env: NodeJS.ProcessEnv = process.env,
  intervalMs = TRIM_INTERVAL_MS,
): NativeMemoryPolicy {
  if (env[NATIVE_MEMORY_ENV] === 'off')
    return { applied: false, reason: `${NATIVE_MEMORY_ENV}=off` };
  const tuned = GLIBC_ENV.find((name) => env[name] !== undefined);
  if (tuned) return { applied: false, reason: `${tuned} is set` };
  const glibc = loadGlibcMalloc();
  if (typeof glibc === 'string') return { applied: false, reason: glibc };
  try {
    if (
      glibc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) !== 1 ||
      glibc.mallopt(M_ARENA_MAX, ARENA_MAX) !== 1
    ) {
      return { applied: false, reason: 'mallopt refused' };
    }
    const trimNow = () => {
      glibc.mallocTrim(0);
    };
    // unref: the timer never keeps a finished command alive.
    const timer = setInterval(trimNow, intervalMs).unref();
    activeTrim = trimNow;
    return {
      applied: true,
      trimNow,
      stop: () => {
        clearInterval(timer);
        activeTrim = undefined;
      },
    };
  } catch (error) {
    return { applied: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
