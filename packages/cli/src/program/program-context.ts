import type { CliIo } from '../cli-io.js';

/** What every command definition needs: where it writes, and where its action leaves the exit code. */
export interface ProgramContext {
  io: CliIo;
  state: { exitCode: number };
}
