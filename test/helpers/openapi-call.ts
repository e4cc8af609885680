import assert from 'node:assert/strict';
import { validate } from './json-schema-check.ts';

export type Doc = { paths: Record<string, Record<string, { responses: Record<string, { $ref?: string; content?: Record<string, { schema: Record<string, unknown> }> }> }>>; components: Record<string, Record<string, unknown>> };

export interface CallOptions {
  path?: string;
  query?: string;
  body?: unknown;
  /** false: no Authorization header; default the server's admin token. */
  token?: boolean;
  /** Another bearer token (a user's API token). */
  bearer?: string;
  /** A session cookie (bw_session=...): sent instead of the admin token. */
  cookie?: string;
  /** The session's CSRF token, as X-CSRF-Token. */
  csrf?: string;
  contentType?: string;
}

/**
 * Calls the real server and checks the answer against the description: the status is
 * documented for the operation, the media type too, and a JSON body is valid (closed objects).
 * Records `METHOD /template` in `called`.
 */
export function createOpenApiCaller(server: () => { url: string; token: string }, doc: () => Doc, called: Set<string>) {
  return async function call(method: string, template: string, opts: CallOptions = {}) {
    const url = `${server().url}${opts.path ?? template}${opts.query ? `?${opts.query}` : ''}`;
    const headers: Record<string, string> = {};
    if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
    else if (opts.token !== false && opts.cookie === undefined) headers.authorization = `Bearer ${server().token}`;
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
    if (opts.body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
    const res = await fetch(url, { method, headers, redirect: 'manual', body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) });
    const op = doc().paths[template]?.[method.toLowerCase()];
    assert.ok(op, `${method} ${template} is not documented`);
    let response = op.responses[String(res.status)];
    assert.ok(response, `${method} ${template} answered ${res.status}, which is not documented`);
    if (response.$ref) response = doc().components.responses![response.$ref.split('/').pop()!] as typeof response;
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const text = await res.text();
    if (res.status !== 204 && res.status !== 302) {
      assert.ok(response.content?.[mediaType], `${method} ${template} ${res.status} answered ${mediaType}, not documented (${Object.keys(response.content ?? {}).join(', ')})`);
      if (mediaType === 'application/json') {
        const problems = validate(JSON.parse(text), response.content![mediaType]!.schema, doc() as unknown as Record<string, unknown>);
        assert.deepEqual(problems, [], `${method} ${template} ${res.status}: ${problems.slice(0, 10).join('\n')}`);
      }
    }
    called.add(`${method} ${template}`);
    const parsed: any = mediaType === 'application/json' ? JSON.parse(text) : text;
    return { status: res.status, body: parsed, headers: res.headers };
  };
}

/** The session cookie a sign-in set, as a Cookie header value. */
export function sessionCookie(headers: Headers): string {
  const set = headers.getSetCookie().find((c) => c.startsWith('bw_session='));
  assert.ok(set, 'a session cookie is set');
  return set.split(';')[0]!;
}
