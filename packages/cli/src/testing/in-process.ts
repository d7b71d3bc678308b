import { fileURLToPath } from 'node:url';
import { createMemoryLedger, createMemorySink, type Ledger } from '@drift-spark/core';
import { createMemorySinkStore, type MemorySinkStore } from '@drift-spark/core/testkit';
import type { CliIo } from '../cli-io.js';
import type { ModuleImporter } from '../plugins/load-plugin.js';
import { runCli } from '../program.js';

export const ticketsTable = fileURLToPath(new URL('../../../../examples/tickets', import.meta.url));

/** A world for in-process CLI runs: the real Delta reader, an in-memory ledger and sinks that outlive each command. */
export function createTestWorld(options: { missing?: string[] } = {}) {
  const ledger = createMemoryLedger();
  const stores = new Map<string, MemorySinkStore>();
  const sinkUris: string[] = [];
  const keepOpen = (target: Ledger): Ledger =>
    new Proxy(target, {
      get(object, property, receiver) {
        if (property === 'close') return async () => {};
        const value = Reflect.get(object, property, receiver);
        return typeof value === 'function' ? value.bind(object) : value;
      },
    });
  const importer: ModuleImporter = async (name) => {
    if (options.missing?.includes(name)) {
      const error = new Error(`Cannot find package '${name}' imported from /somewhere`) as Error & {
        code: string;
      };
      error.code = 'ERR_MODULE_NOT_FOUND';
      throw error;
    }
    if (name === '@drift-spark/ledger') return { createSqliteLedger: () => keepOpen(ledger) };
    if (name === '@drift-spark/sink-pgvector' || name === '@drift-spark/sink-qdrant') {
      const factory = (uri: string) => {
        sinkUris.push(uri);
        let store = stores.get(uri);
        if (!store) {
          store = createMemorySinkStore({ id: uri });
          stores.set(uri, store);
        }
        return createMemorySink({ id: uri, store });
      };
      return { createPgvectorSinkFromUri: factory, createQdrantSinkFromUri: factory };
    }
    return (await import(name)) as Record<string, unknown>;
  };
  return { ledger, stores, sinkUris, importer };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runInProcess(
  args: string[],
  world: { importer: ModuleImporter },
  extra: Partial<CliIo> = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env: { NO_COLOR: '1', HOME: '/nonexistent-home' },
    cwd: process.cwd(),
    importer: world.importer,
    ...extra,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}
