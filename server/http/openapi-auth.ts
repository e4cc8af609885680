import { ANONYMOUS, body, bom, csv, date, errors, guarded, html, notBuilt, ok, pathId, query, SIGNED_IN } from './openapi-helpers.ts';
import { object, ref, type JsonSchema } from './openapi-schemas.ts';

/** Accounts in the OpenAPI description: sign-in, setup, sessions, users, API tokens, the audit log (session-, account- and audit-routes.ts). */
const nullable = (type: string, extra: JsonSchema = {}): JsonSchema => ({ type: [type, 'null'], ...extra });
const iso = { type: 'string', format: 'date-time' };
const role = { enum: ['viewer', 'analyst', 'admin'] };
const name = { type: 'string', minLength: 1, maxLength: 64 };
const password = { type: 'string', minLength: 1, maxLength: 1024, description: 'at least 10 characters, not containing the user name (where one is chosen)' };

export const AUTH_SCHEMAS: Record<string, JsonSchema> = {
  Principal: object({ id: { type: 'integer', description: '0: the admin token' }, name: { type: 'string' }, role, via: { enum: ['session', 'token', 'admin-token'] } }),
  SessionState: object({
    user: { oneOf: [{ type: 'null' }, ref('Principal')] },
    csrfToken: nullable('string', { description: 'send it as X-CSRF-Token on writes made with the session cookie' }),
    publicRead: { type: 'boolean' },
    needsSetup: { type: 'boolean', description: 'no account exists yet' },
  }),
  SignedIn: object({ user: object({ id: { type: 'integer' }, name: { type: 'string' }, role }), csrfToken: { type: 'string' } }),
  Session: object({ id: { type: 'integer' }, current: { type: 'boolean' }, createdAt: iso, lastSeenAt: iso, expiresAt: iso, ip: nullable('string'), userAgent: nullable('string') }),
  User: object({ id: { type: 'integer' }, name: { type: 'string' }, role, createdAt: iso }),
  Token: object({
    id: { type: 'integer' },
    name: { type: 'string' },
    owner: { type: 'string' },
    role,
    prefix: { type: 'string', description: 'the first characters, to recognise it' },
    createdAt: iso,
    expiresAt: iso,
    lastUsedAt: nullable('string', { format: 'date-time' }),
    state: { enum: ['active', 'expired', 'revoked'] },
  }),
  NewToken: object({ id: { type: 'integer' }, token: { type: 'string', description: 'shown once; only its digest is stored' }, role, expiresAt: iso, note: { type: 'string' } }),
  AuditEntry: object({
    id: { type: 'integer' },
    at: iso,
    actorId: nullable('integer'),
    actorName: nullable('string'),
    action: { type: 'string', description: 'sign-in, sign-in-failed, user.add, ... or METHOD /api/route/:param' },
    target: nullable('string'),
    outcome: { type: 'string', description: 'ok, denied, failed' },
    ip: nullable('string'),
    detail: nullable('string'),
  }),
};

const auditFilters = [
  query('from', date, 'at or after'),
  query('to', date, 'before'),
  query('actor', { type: 'string', maxLength: 64 }, 'who (user name)'),
  query('action', { type: 'string', maxLength: 100 }, 'what, e.g. sign-in or POST /api/feeds'),
];
const signInPage = (summary: string) => ({ get: { summary, security: ANONYMOUS, responses: { '200': html, '503': notBuilt() } } });

export const AUTH_PATHS: Record<string, Record<string, unknown>> = {
  '/signin': signInPage('The sign-in page'),
  '/setup': signInPage('The first-admin page (the setup link\'s secret is in the fragment)'),
  '/api/session': {
    get: { summary: 'Who this request is, and the session\'s CSRF token', security: ANONYMOUS, responses: { '200': ok(ref('SessionState')) } },
    post: {
      summary: 'Sign in: sets the session cookie (a new session id every time)',
      security: ANONYMOUS,
      requestBody: body(object({ name, password })),
      responses: { '200': ok(ref('SignedIn')), ...errors(400, 401, 403, 413, 415, 429) },
    },
    delete: { summary: 'Sign out (the session cookie only; a token cannot sign out)', security: [{ session: [], csrf: [] }], 'x-required-role': 'viewer', responses: { '204': { description: 'Signed out; the cookie is cleared' }, ...errors(400, 401, 403, 429) } },
  },
  '/api/setup': {
    post: {
      summary: 'Create the first admin with the setup link printed at start, and sign in',
      security: ANONYMOUS,
      requestBody: body(object({ name, password, token: { type: 'string', minLength: 16, maxLength: 128, description: 'the secret after # in the setup link' } })),
      responses: { '200': ok(ref('SignedIn')), ...errors(400, 403, 409, 410, 413, 415, 429) },
    },
  },
  '/api/sessions': {
    get: { summary: 'Your own sessions', security: SIGNED_IN, 'x-required-role': 'viewer', responses: { '200': ok(object({ sessions: { type: 'array', items: ref('Session') } })), ...errors(401) } },
  },
  '/api/sessions/{id}': {
    delete: { summary: 'End one of your own sessions', ...guarded('viewer'), parameters: [pathId], responses: { '204': { description: 'Ended' }, ...errors(400, 401, 403, 404, 429) } },
  },
  '/api/users': {
    get: { summary: 'Every account', security: SIGNED_IN, 'x-required-role': 'admin', responses: { '200': ok(object({ users: { type: 'array', items: ref('User') } })), ...errors(401, 403) } },
    post: { summary: 'Add an account', ...guarded('admin'), requestBody: body(object({ name, role, password })), responses: { '201': ok(object({ user: ref('User') }), 'Created'), ...errors(400, 401, 403, 409, 413, 415, 429) } },
  },
  '/api/users/{id}': {
    put: { summary: 'Set an account\'s role (the last admin stays one)', ...guarded('admin'), parameters: [pathId], requestBody: body(object({ role })), responses: { '200': ok(object({ user: ref('User') })), ...errors(400, 401, 403, 404, 409, 413, 415, 429) } },
    delete: { summary: 'Remove an account (not the last admin); its sessions and tokens end', ...guarded('admin'), parameters: [pathId], responses: { '204': { description: 'Removed' }, ...errors(400, 401, 403, 404, 409, 429) } },
  },
  '/api/users/{id}/password': {
    post: { summary: 'Reset an account\'s password (ends its sessions, unlocks it)', ...guarded('admin'), parameters: [pathId], requestBody: body(object({ password })), responses: { '204': { description: 'Reset' }, ...errors(400, 401, 403, 404, 413, 415, 429) } },
  },
  '/api/tokens': {
    get: {
      summary: 'Your API tokens (admins: everyone\'s with all=true)',
      security: SIGNED_IN,
      'x-required-role': 'viewer',
      parameters: [query('all', { enum: ['true', 'false'] }, 'every user\'s tokens (admins)')],
      responses: { '200': ok(object({ tokens: { type: 'array', items: ref('Token') } })), ...errors(401, 403) },
    },
    post: {
      summary: 'Create an API token for yourself (role at most yours; the admin token has no account and cannot)',
      ...guarded('viewer'),
      requestBody: body(object({ name: { type: 'string', minLength: 1, maxLength: 100 }, role, expiresInDays: { type: 'integer', minimum: 1, maximum: 366, default: 90 } }, ['role', 'expiresInDays'])),
      responses: { '201': ok(ref('NewToken'), 'Created'), ...errors(400, 401, 403, 413, 415, 429) },
    },
  },
  '/api/tokens/{id}': {
    delete: { summary: 'Revoke a token (yours; admins: any)', ...guarded('viewer'), parameters: [pathId], responses: { '204': { description: 'Revoked' }, ...errors(400, 401, 403, 404, 409, 429) } },
  },
  '/api/audit': {
    get: {
      summary: 'The audit log, newest first; paged by id',
      security: SIGNED_IN,
      'x-required-role': 'admin',
      parameters: [...auditFilters, query('before', { type: 'integer', minimum: 1 }, 'nextBefore of the previous page'), query('limit', { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, 'page size')],
      responses: { '200': ok(object({ entries: { type: 'array', items: ref('AuditEntry') }, nextBefore: nullable('integer') })), ...errors(400, 401, 403) },
    },
  },
  '/api/export/audit.csv': {
    get: { summary: 'The audit log as CSV (formula-safe), streamed', security: SIGNED_IN, 'x-required-role': 'admin', parameters: [...auditFilters, bom], responses: { '200': csv, ...errors(400, 401, 403) } },
  },
};
