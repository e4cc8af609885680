import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { NewStatement } from '../store/statements-repo.ts';

/** Limits on one statement; longer text is rejected, not truncated, so nothing is silently lost. */
export const MAX_TEXT_CHARS = 20_000;
export const MAX_FIELD_CHARS = 500;
export const MAX_URL_CHARS = 2_048;
/** Dates more than this far in the future are refused as wrong (clock skew is allowed). */
const FUTURE_TOLERANCE_MS = 24 * 3600_000;

export type RejectionCode =
  | 'not-an-object'
  | 'missing-text'
  | 'empty-text'
  | 'text-too-long'
  | 'invalid-field'
  | 'invalid-date'
  | 'invalid-url'
  | 'field-too-long';

export interface Rejection {
  code: RejectionCode;
  message: string;
}

export type Origin = NewStatement['origin'];

const optionalText = (max: number) =>
  z
    .string({ message: 'must be a string' })
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((v) => (v === null || v === undefined || v.trim() === '' ? null : v.trim()));

const statementSchema = z.object({
  text: z.string({ message: 'is required and must be a string' }),
  speaker: optionalText(MAX_FIELD_CHARS),
  source: optionalText(MAX_FIELD_CHARS),
  url: optionalText(MAX_URL_CHARS),
  publishedAt: z.union([z.string(), z.number()], { message: 'must be an ISO 8601 date string or epoch milliseconds' }).nullish(),
  externalId: z.union([z.string(), z.number()], { message: 'must be a string or number' }).nullish(),
});

/** Removes control characters that have no place in prose (keeps tab and newlines) and trims. */
export function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').replace(/\r\n?/g, '\n').trim();
}

export function parseDate(value: string | number | null | undefined): number | null | 'invalid' {
  if (value === null || value === undefined || value === '') return null;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms) || ms < Date.UTC(1900, 0, 1) || ms > Date.UTC(2200, 0, 1)) return 'invalid';
  return ms;
}

export function dedupeKeyFor(s: { externalId: string | null; speaker: string | null; text: string; publishedAt: number | null }): string {
  if (s.externalId !== null) return `ext:${s.externalId}`;
  const h = createHash('sha256');
  h.update(s.speaker ?? '');
  h.update('\u0000');
  h.update(s.text);
  h.update('\u0000');
  h.update(s.publishedAt === null ? '' : String(s.publishedAt));
  return `sha:${h.digest('hex')}`;
}

/**
 * Validates and normalises one statement from the outside world (API body item, inbox record,
 * feed item). Returns the row to store or a rejection with a code and a message naming the field.
 */
export function normalizeStatement(
  input: unknown,
  ctx: { origin: Origin; receivedAt: number; isDemo?: boolean },
): { ok: true; value: NewStatement } | { ok: false; rejection: Rejection } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, rejection: { code: 'not-an-object', message: 'a statement must be a JSON object' } };
  }
  if (!('text' in input) || (input as { text?: unknown }).text === undefined || (input as { text?: unknown }).text === null) {
    return { ok: false, rejection: { code: 'missing-text', message: 'text is required' } };
  }
  const parsed = statementSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? 'statement');
    const code: RejectionCode = issue.code === 'too_big' ? 'field-too-long' : 'invalid-field';
    return { ok: false, rejection: { code, message: `${field} ${issue.message}` } };
  }
  const v = parsed.data;
  const text = cleanText(v.text);
  if (text.length === 0) return { ok: false, rejection: { code: 'empty-text', message: 'text is empty' } };
  if (text.length > MAX_TEXT_CHARS) {
    return {
      ok: false,
      rejection: { code: 'text-too-long', message: `text has ${text.length} characters; the limit is ${MAX_TEXT_CHARS}` },
    };
  }
  const publishedAt = parseDate(v.publishedAt);
  if (publishedAt === 'invalid') {
    return { ok: false, rejection: { code: 'invalid-date', message: `publishedAt ${JSON.stringify(v.publishedAt)} is not a valid date` } };
  }
  if (publishedAt !== null && publishedAt > ctx.receivedAt + FUTURE_TOLERANCE_MS) {
    return { ok: false, rejection: { code: 'invalid-date', message: 'publishedAt is more than a day in the future' } };
  }
  if (v.url !== null && !/^https?:\/\/[^\s]+$/i.test(v.url)) {
    return { ok: false, rejection: { code: 'invalid-url', message: 'url must be an http(s) URL' } };
  }
  const externalId = v.externalId === null || v.externalId === undefined ? null : String(v.externalId).trim() || null;
  if (externalId !== null && externalId.length > MAX_FIELD_CHARS) {
    return { ok: false, rejection: { code: 'field-too-long', message: `externalId must be at most ${MAX_FIELD_CHARS} characters` } };
  }
  const speaker = v.speaker === null ? null : cleanText(v.speaker);
  const base = { externalId, speaker, text, publishedAt };
  return {
    ok: true,
    value: {
      dedupeKey: dedupeKeyFor(base),
      externalId,
      text,
      speaker,
      source: v.source === null ? null : cleanText(v.source),
      url: v.url,
      publishedAt,
      receivedAt: ctx.receivedAt,
      occurredAt: publishedAt !== null && publishedAt <= ctx.receivedAt ? publishedAt : ctx.receivedAt,
      origin: ctx.origin,
      isDemo: ctx.isDemo ?? false,
    },
  };
}
