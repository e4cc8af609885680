// Shape checks for the lexicon data: each returns the value with its type or throws an error
// naming the offending entry (`Invalid lexicon: PATH: MESSAGE`). Shared by the lexicon compilers.

export type Obj = Record<string, unknown>;

export function fail(path: string, message: string): never {
  throw new Error(`Invalid lexicon: ${path}: ${message}`);
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: unknown, path: string): Obj {
  if (!isObj(v)) fail(path, 'must be an object');
  return v;
}

export function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, 'must be an array');
  return v;
}

export function str(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.trim() === '') fail(path, 'must be a non-empty string');
  return v;
}

export function bool(v: unknown, path: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') fail(path, 'must be a boolean');
  return v;
}

export function num(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(path, `must be a number between ${min} and ${max}`);
  return v;
}
