import { expect } from 'vitest';

/** The rule of `rules` whose name starts with `start` (the testkit's own tests name rules so). */
export function ruleNamed<R extends { name: string }>(rules: readonly R[], start: string): R {
  const rule = rules.find((candidate) => candidate.name.startsWith(start));
  if (!rule) throw new Error(`No rule starts with "${start}".`);
  return rule;
}

/**
 * A rule passes the sound plugin and fails the broken one with an assertion (not a
 * crash of the broken plugin): the rule, not luck, catches what the plugin gets wrong.
 */
export async function expectCaught(
  sound: () => Promise<void>,
  broken: () => Promise<void>,
): Promise<void> {
  await sound();
  await expect(broken()).rejects.toSatisfy(
    (error) => error instanceof Error && error.name === 'AssertionError',
  );
}
