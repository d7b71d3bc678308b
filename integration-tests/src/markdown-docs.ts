import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pythonPath, repoRoot } from './cli-harness.js';
import { wordnetDir } from './real-corpus.js';

/** One long Markdown document of the table scripts/fixtures/markdown_docs.py writes. */
export interface MarkdownDoc {
  id: number;
  title: string | null;
  body: string | null;
}

/** What one `edit` commit did (see markdown_docs.py). */
export interface DocsEdit {
  version: number;
  edited: number[];
  inserted: number[];
  deleted: number[];
  operations: Record<string, number>;
}

export interface DocsEditOptions {
  seed: number;
  /** Documents that get paragraph operations. */
  editDocuments?: number;
  /** Paragraph operations per edited document: "1-3" or "1". */
  opsPerDocument?: string;
  /** Which operations: "edit,insert,remove" (the default). */
  kinds?: string;
  insertDocuments?: number;
  deleteDocuments?: number;
  /** The size of an inserted document, in tokens. */
  tokens?: number;
}

/**
 * A Delta table (delta-rs, Change Data Feed on) of long Markdown documents built from WordNet's
 * real sentences, and its seeded editor: each call is one run of markdown_docs.py, one commit.
 */
export class MarkdownDocsTable {
  private readonly python = pythonPath();
  private readonly wordnet = wordnetDir();

  constructor(readonly path: string) {}

  create(options: { documents: number; tokens: number; seed: number }): { version: number } {
    return this.run('create', {
      documents: options.documents,
      tokens: options.tokens,
      seed: options.seed,
    }) as { version: number };
  }

  edit(options: DocsEditOptions): DocsEdit {
    return this.run('edit', {
      seed: options.seed,
      'edit-documents': options.editDocuments,
      'ops-per-document': options.opsPerDocument,
      kinds: options.kinds,
      'insert-documents': options.insertDocuments,
      'delete-documents': options.deleteDocuments,
      tokens: options.tokens,
    }) as DocsEdit;
  }

  /** The table's current rows, read back through delta-rs, by id. */
  rows(): { version: number; rows: MarkdownDoc[] } {
    return this.run('rows', {}) as { version: number; rows: MarkdownDoc[] };
  }

  private run(command: string, flags: Record<string, string | number | undefined>): unknown {
    const args = [join(repoRoot, 'scripts/fixtures/markdown_docs.py'), command, this.path];
    if (command !== 'rows') args.push('--wordnet', this.wordnet);
    for (const [name, value] of Object.entries(flags))
      if (value !== undefined) args.push(`--${name}`, String(value));
    const output = execFileSync(this.python, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 30,
    });
    return JSON.parse(output.trim().split('\n').pop()!);
  }
}
