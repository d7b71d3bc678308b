/** Runs one `drift` command as a child process (start-up included) and reads its own peak RSS. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'packages/cli/dist/bin.js');
// Printed by the child at exit, on stderr's last line: its own peak RSS.
const rssHook = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\n@@rss '+process.resourceUsage().maxRSS+'\\n'))`;

export interface Phase {
  seconds: number;
  rssMb: number;
  result: Record<string, unknown>;
}

/** The environment of a bench `drift` process: its own ledger in `work`, no colours, no API key. */
export function driftEnv(work: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DRIFT_LEDGER: join(work, 'ledger.db'),
    NO_COLOR: '1',
  };
  delete env.OPENAI_API_KEY;
  return env;
}

/** `cwd`: where the default sink (`./.drift/…`) lands; the bench's own folder if not given. */
export function drift(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<Phase> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', rssHook, bin, ...args, '--json'], {
      env,
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const rss = /@@rss (\d+)/.exec(stderr);
      if (code !== 0) return reject(new Error(`drift ${args.join(' ')} exited ${code}: ${stderr}`));
      resolve({
        seconds,
        rssMb: rss ? Number(rss[1]) / 1024 : Number.NaN,
        result: JSON.parse(stdout.trim()) as Record<string, unknown>,
      });
    });
  });
}
