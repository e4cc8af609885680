import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface ApiTokenResult {
  token: string;
  /** 'env' when set by BRINKWATCH_API_TOKEN, 'file' when read back, 'generated' on first start. */
  origin: 'env' | 'file' | 'generated';
  file: string | null;
}

/**
 * Returns the bearer token for writes. When none is configured one is generated once and
 * kept in `<dataDir>/api-token` with mode 0600 so that it survives restarts; the caller
 * prints it once (origin 'generated') and never logs it again.
 */
export function resolveApiToken(configured: string | undefined, dataDir: string): ApiTokenResult {
  if (configured) return { token: configured, origin: 'env', file: null };
  const file = path.join(dataDir, 'api-token');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 16) return { token: existing, origin: 'file', file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = randomBytes(24).toString('base64url');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return { token, origin: 'generated', file };
}
