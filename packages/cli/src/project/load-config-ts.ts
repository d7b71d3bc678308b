import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';

/**
 * Loads `drift.config.ts` (or .mts/.js/.mjs) with jiti, which compiles TypeScript on the
 * fly. `@drift-spark/cli` resolves to this very CLI, so `defineConfig` works from a global
 * install too, where the project has no node_modules of its own (built as dist/define-config.js).
 */
export async function loadConfigModule(file: string): Promise<unknown> {
  const here = dirname(fileURLToPath(import.meta.url));
  const self = [join(here, 'define-config.js'), join(here, 'define-config.ts')].find((path) =>
    existsSync(path),
  );
  const jiti = createJiti(file, {
    moduleCache: false,
    fsCache: false,
    ...(self ? { alias: { '@drift-spark/cli': self } } : {}),
  });
  return jiti.import(file, { default: true });
}
