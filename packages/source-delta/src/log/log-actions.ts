import { deltaError } from '../delta-errors.js';
import type { DeltaAction } from './delta-actions.js';

/** Parses newline-delimited JSON actions (commits and JSON V2 checkpoints). */
export function parseActions(text: string, where: string): DeltaAction[] {
  const actions: DeltaAction[] = [];
  let lineNumber = 0;
  for (const line of text.split('\n')) {
    lineNumber++;
    const trimmed = line.trim();
    if (!trimmed) continue;
    try {
      actions.push(JSON.parse(trimmed) as DeltaAction);
    } catch (error) {
      throw deltaError(
        'corrupt-log',
        `Line ${lineNumber} of ${where} is not valid JSON. The Delta log is damaged; check the table with the tool that wrote it.`,
        error,
      );
    }
  }
  return actions;
}
