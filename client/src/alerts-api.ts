import { csrfHeaders } from './session.ts';

/** The alerts panel's calls to the API, with the token kept for this tab (sessionStorage). */

export const TOKEN_KEY = 'brinkwatch-api-token';
type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: FieldErrors = {},
    /** Per field, values the server suggests instead (e.g. scope: ["actor:Russia"]). */
    readonly suggestions: Record<string, string[]> = {},
  ) {
    super(message);
  }
}

export async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token && method !== 'GET') headers.authorization = `Bearer ${token}`;
  if (method !== 'GET') Object.assign(headers, csrfHeaders());
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => ({}))) as { error?: { message?: string; details?: { fields?: FieldErrors; suggestions?: Record<string, string[]> } } };
  if (!res.ok) throw new ApiError(res.status, json.error?.message ?? `HTTP ${res.status}`, json.error?.details?.fields, json.error?.details?.suggestions);
  return json as T;
}
