import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const fetchScript = fileURLToPath(new URL('../../../../scripts/models/fetch.sh', import.meta.url));

/** vitest global setup: fetches the real models (cached) and hands their folder to the tests. */
export default function setup({ provide }: { provide: (key: 'modelsDir', value: string) => void }) {
  const output = execFileSync('bash', [fetchScript], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  provide('modelsDir', output.trim().split('\n').pop()!);
}

declare module 'vitest' {
  export interface ProvidedContext {
    modelsDir: string;
  }
}
