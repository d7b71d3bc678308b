import { InvalidArgumentError } from '@commander-js/extra-typings';

/** Commander parsers: a bad value is a usage error (exit 2) with the reason. */

export function parsePositiveInteger(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < 1) {
    throw new InvalidArgumentError('expected a whole number of 1 or more.');
  }
  return number;
}

export function parseVersion(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number)) {
    throw new InvalidArgumentError('expected a table version: a whole number of 0 or more.');
  }
  return number;
}

export function parseUsd(value: string): number {
  const number = Number(value.trim().replace(/^\$/, ''));
  if (value.trim() === '' || !Number.isFinite(number) || number < 0) {
    throw new InvalidArgumentError('expected an amount in USD, e.g. 5 or 0.25.');
  }
  return number;
}

export function parseDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new InvalidArgumentError('expected a date, e.g. 2026-11-01.');
  return date;
}
