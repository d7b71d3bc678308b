import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { createLocalFileSystem } from './local-file-system.js';

const directory = mkdtempSync(path.join(tmpdir(), 'drift-local-fs-'));
const file = path.join(directory, 'bytes.bin');
writeFileSync(
  file,
  Uint8Array.from({ length: 1000 }, (_, index) => index % 251),
);
afterAll(() => rmSync(directory, { recursive: true, force: true }));

test('reads a whole file and a range of it', async () => {
  const fileSystem = createLocalFileSystem();
  const whole = await fileSystem.read(file);
  expect(whole.length).toBe(1000);
  expect(whole[999]).toBe(999 % 251);
  const range = await fileSystem.read(file, { range: { start: 500, end: 510 } });
  expect([...range]).toEqual([...whole.subarray(500, 510)]);
  // past the end: what the file holds, not zeros
  expect((await fileSystem.read(file, { range: { start: 990, end: 2000 } })).length).toBe(10);
});

test('a missing file is said so', async () => {
  await expect(createLocalFileSystem().read(path.join(directory, 'gone'))).rejects.toThrow(
    /does not exist/,
  );
});

test('a read lets a turn of the event loop pass (timers and Ctrl-C are not starved)', async () => {
  const fileSystem = createLocalFileSystem();
  let turns = 0;
  const tick = () => {
    turns++;
  };
  // reads are synchronous underneath: without the turn, a loop of them would resolve on
  // microtasks alone and this callback would wait until the loop ended
  setImmediate(tick);
  for (let read = 0; read < 3; read++) await fileSystem.read(file);
  expect(turns).toBe(1);
});
