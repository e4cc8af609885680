import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describeFsError } from './startup-checks.ts';

export interface ApiTokenResult {
  token: string;
  /** 'env' when set by BRINKWATCH_API_TOKEN, 'file' when read back, 'generated' on first start. */
  origin: 'env' | 'file' | 'generated';
  file: string | null;
}

/**
 * Returns the bearer token for writes. When none is configured one is generated once and
 * kept in `<dataDir>/api-token` with mode 0600 so that it survives restarts; the caller
 * prints it once (origin 'generated') and never logs it again. A token file that exists but
 * cannot be read (permissions, a folder in its place) is an error to report, never silently
 * replaced by a new token.
 */
export function resolveApiToken(
  configured: string | undefined,
  dataDir: string,
): { ok: true; value: ApiTokenResult } | { ok: false; message: string } {
  if (configured) return { ok: true, value: { token: configured, origin: 'env', file: null } };
  const file = path.join(dataDir, 'api-token');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 16) return { ok: true, value: { token: existing, origin: 'file', file } };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      return {
        ok: false,
        message: `the API token file ${file} cannot be read (${describeFsError(err)}): make it readable for the user running Brinkwatch, remove it to have a new token generated, or set BRINKWATCH_API_TOKEN`,
      };
    }
  }
  const token = randomBytes(24).toString('base64url');
  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
  } catch (err) {
    return {
      ok: false,
      message: `the API token file ${file} cannot be written (${describeFsError(err)}): make the data folder writable, or set BRINKWATCH_API_TOKEN`,
    };
  }
  return { ok: true, value: { token, origin: 'generated', file } };
}
