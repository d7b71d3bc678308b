#!/usr/bin/env node
// Starts the Qdrant stand-in: `node tooling/qdrant-stand-in/src/cli.mjs [--port N] [--host H]`.
// Prints one line `listening http://host:port` on stdout once it accepts connections.
import { startQdrantStandIn } from './server.mjs';

const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : process.argv[index + 1];
};
const standIn = await startQdrantStandIn({
  host: argument('host', '127.0.0.1'),
  port: Number(argument('port', '0')),
  apiKey: process.env.QDRANT_STAND_IN_API_KEY || undefined,
});
process.stdout.write(`listening ${standIn.url}\n`);
const stop = () => standIn.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
