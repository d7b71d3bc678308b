/** Lance's reader threads for a local folder, unless the user set `LANCE_IO_THREADS`. */
export const LOCAL_IO_THREADS = '2';

/**
 * Bounds Lance's I/O parallelism on a local disk: each reader thread holds its own buffers
 * (and its own malloc arena), so the default parallelism drove an exact search over 100k
 * × 1536-d points to ~420 MB RSS where two threads used ~280 MB, and were faster on a
 * small machine (bench/README.md, "Embedded sinks"). Object stores keep Lance's default:
 * their reads wait on the network, not the disk. Lance reads the variable when it
 * schedules I/O, so it must be set before the first read of the process.
 */
export function boundLocalIoThreads(local: boolean, env: NodeJS.ProcessEnv = process.env): void {
  if (local && env.LANCE_IO_THREADS === undefined) env.LANCE_IO_THREADS = LOCAL_IO_THREADS;
}
