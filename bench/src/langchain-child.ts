/**
 * One LangChain.js `index()` run in a process of its own, so its peak RSS is its own
 * (bench/src/all.ts). Prints one JSON line: seconds, added, skipped, rssMb.
 *
 *   node --import tsx src/langchain-child.ts <delta-table> <version> <database-url> <name> index|no-index
 */
import { runLangChainOnce } from './cli-langchain.js';

const [table, version, databaseUrl, name, mode] = process.argv.slice(2);
const run = await runLangChainOnce(table!, Number(version), databaseUrl!, name!, mode === 'index');
process.stdout.write(
  `${JSON.stringify({ ...run, rssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
