import { ref, type JsonSchema } from './openapi-schemas.ts';

/** Building blocks of the OpenAPI description (openapi-document.ts and its per-area parts). */
export const json = (schema: JsonSchema) => ({ 'application/json': { schema } });
export const ok = (schema: JsonSchema, description = 'OK') => ({ description, content: json(schema) });
export const ERROR_TEXT: Record<number, string> = {
  400: 'A parameter or field is invalid (named in the message)',
  401: 'Not signed in and no bearer token, or the token or session is not valid (unauthorized, sign-in-required, wrong-credentials)',
  403: 'Signed in but refused: the role is too low (forbidden-role), or a cookie-authenticated write without the X-CSRF-Token header or from another site (csrf-failed)',
  404: 'No such resource',
  409: 'Conflicts with the current state',
  410: 'The setup link is unknown, used or expired',
  413: 'Body or batch too large',
  415: 'Body is not application/json',
  422: 'Every statement was rejected',
  429: 'Rate limit or concurrency limit reached (Retry-After)',
};
export const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { $ref: `#/components/responses/E${c}` }]));
export const query = (name: string, schema: JsonSchema, description: string) => ({ name, in: 'query', required: false, schema, description });
export const pathParam = (name: string, schema: JsonSchema = { type: 'string', minLength: 1 }) => ({ name, in: 'path', required: true, schema });
export const pathId = pathParam('id', { type: 'integer', minimum: 1 });
export const body = (schema: JsonSchema) => ({ required: true, content: json(schema) });
export const html = { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } };
export const notBuilt = (type = 'text/plain') => ({ description: 'The dashboard has not been built (npm run build)', content: { [type]: { schema: type === 'application/json' ? ref('Error') : { type: 'string' } } } });

/**
 * Security requirements. A write is allowed with a bearer token (the admin token
 * BRINKWATCH_API_TOKEN, or a user's API token) or with the session cookie plus the session's
 * CSRF token in the X-CSRF-Token header; the operation's `x-required-role` says which role.
 */
export const WRITE = [{ bearer: [] }, { session: [], csrf: [] }];
/** Signed in: a bearer token or the session cookie (no CSRF header needed for reads). */
export const SIGNED_IN = [{ bearer: [] }, { session: [] }];
/** Reads: open when reads are public (BRINKWATCH_PUBLIC_READ, or the default on loopback), else signed in. */
export const READ = [{}, { bearer: [] }, { session: [] }];
/** Answers anonymous requests (sign-in, setup). */
export const ANONYMOUS = [{}];
/** A write guarded by a role: security, the role, and the errors the guard answers. */
export const guarded = (role: 'viewer' | 'analyst' | 'admin') => ({ security: WRITE, 'x-required-role': role });

export const SECURITY_SCHEMES = {
  bearer: { type: 'http', scheme: 'bearer', description: 'BRINKWATCH_API_TOKEN (acts as an admin), or a user\'s API token (POST /api/tokens) with its own role' },
  session: { type: 'apiKey', in: 'cookie', name: 'bw_session', description: 'Set by POST /api/session or POST /api/setup (httpOnly, SameSite=Strict)' },
  csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'The session\'s csrfToken (GET /api/session): required with the session cookie on POST, PUT and DELETE' },
};

export const date = { type: 'string', description: 'ISO 8601 or unix ms' };
export const scope = { type: 'string', pattern: '^(global|actor:.+|dyad:.+>.+|category:.+)$' };
export const bom = query('bom', { enum: ['1', '0', 'true', 'false'] }, 'start with a UTF-8 byte order mark (Excel)');
export const csv = { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } };
