import { createRequire } from 'node:module';
import { expect, test } from 'vitest';
import { requireKoffi } from './zstd-native.js';

// musl systems take koffi's entry script (its linux_* binaries link glibc)
const glibcOrNotLinux =
  process.platform !== 'linux' ||
  Boolean(
    (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header
      ?.glibcVersionRuntime,
  );

test.runIf(glibcOrNotLinux)("koffi's prebuilt module is loaded without its entry script", () => {
  const koffi = requireKoffi() as ReturnType<typeof requireKoffi> & Record<string, unknown>;
  const { version } = createRequire(import.meta.url)('koffi/package.json') as { version: string };
  expect(koffi.version).toBe(version);
  // the entry script wraps the module and adds its deprecated helpers, `handle` among them:
  // their absence says the fast path was taken (a koffi upgrade that moves the binary would
  // silently bring back the entry script's start-up cost)
  expect(koffi.handle).toBeUndefined();
  expect(typeof koffi.load).toBe('function');
});
