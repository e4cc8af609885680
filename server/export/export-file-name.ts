const DAY_MS = 86_400_000;

/**
 * The download's file name names its range: brinkwatch-statements-2026-11-01_2026-11-26.csv.
 * `to` is exclusive, so a range ending at midnight names the last day it includes; a range
 * that does not start and end at UTC midnight names minutes instead (2026-11-26T0930Z).
 * Only [0-9A-Za-z_-] ever appear: safe in Content-Disposition and on any file system.
 */
export function exportFileName(kind: 'history' | 'statements', from: number, to: number): string {
  const wholeDays = from % DAY_MS === 0 && to % DAY_MS === 0;
  const first = wholeDays ? day(from) : minute(from);
  const last = wholeDays ? day(to - DAY_MS) : minute(to);
  return `brinkwatch-${kind}-${first}_${last}.csv`;
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function minute(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
}
