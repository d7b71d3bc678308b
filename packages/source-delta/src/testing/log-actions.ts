import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AddAction, DeltaAction } from '../log/delta-actions.js';
import { fixture } from './fixtures.js';

/** The actions of one commit file of a fixture table (tests look up generated file names). */
export function commitActions(table: string, version: number): DeltaAction[] {
  const file = path.join(fixture(table), '_delta_log', `${String(version).padStart(20, '0')}.json`);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as DeltaAction);
}

/** The `add` actions of one commit. */
export function addsOf(table: string, version: number): AddAction[] {
  return commitActions(table, version).flatMap((action) => (action.add ? [action.add] : []));
}
