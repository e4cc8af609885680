/**
 * Rewrites the repositories' SQLite SQL for PostgreSQL, so that one SQL text serves both stores
 * wherever the two dialects agree (most of it). Only what is safe to do blindly is done here:
 *
 * - parameters: `?` and `@name` / `:name` / `$name` become `$1..$n` (a name used twice keeps one
 *   number); `bind()` turns better-sqlite3's argument forms into the positional list;
 * - mixed-case bare identifiers (the camelCase aliases the repositories give their columns, e.g.
 *   `AS isDemo`) are quoted, because PostgreSQL folds unquoted names to lower case and SQLite
 *   keeps them; the schema's own names are all snake_case, so this never touches a real column;
 * - SQLite's index hints (`INDEXED BY x`, `NOT INDEXED`) are dropped: PostgreSQL plans for itself;
 * - `INSERT OR IGNORE` becomes `INSERT ... ON CONFLICT DO NOTHING`; `IFNULL(` `COALESCE(`;
 *   `instr(` `strpos(`; `LIKE` `ILIKE` (SQLite's LIKE ignores ASCII case); `LIMIT -1` `LIMIT ALL`;
 * - an INSERT into a table with an `id` column gets `RETURNING id` (better-sqlite3's lastInsertRowid).
 *
 * String literals, quoted identifiers and comments are never rewritten. What differs in meaning
 * (FTS5, json_each, triggers calling JS functions, PRAGMAs) is written per dialect in the
 * repository itself (`isPostgres(db)`), not guessed at here.
 */

export interface TranslatedSql {
  text: string;
  /** For each $k (index k-1): a positional index into the `?` values, or a parameter name. */
  params: Array<number | string>;
  /** The INSERT's table got `RETURNING id` added: run() reads lastInsertRowid from it. */
  returnsId: boolean;
}

type Token = { kind: 'code' | 'string' | 'ident' | 'comment'; text: string };

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let code = '';
  const flush = () => {
    if (code) out.push({ kind: 'code', text: code });
    code = '';
  };
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      flush();
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) break;
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) j += 2;
          else break;
        } else j++;
      }
      const text = sql.slice(i, j + 1);
      out.push(ch === "'" ? { kind: 'string', text } : { kind: 'ident', text: ch === '`' ? `"${text.slice(1, -1)}"` : text });
      i = j + 1;
    } else if (ch === '-' && sql[i + 1] === '-') {
      flush();
      const end = sql.indexOf('\n', i);
      const j = end === -1 ? sql.length : end;
      out.push({ kind: 'comment', text: sql.slice(i, j) });
      i = j;
    } else if (ch === '/' && sql[i + 1] === '*') {
      flush();
      const end = sql.indexOf('*/', i + 2);
      const j = end === -1 ? sql.length : end + 2;
      out.push({ kind: 'comment', text: sql.slice(i, j) });
      i = j;
    } else {
      code += ch;
      i++;
    }
  }
  flush();
  return out;
}

const MIXED_CASE = /[a-z]/;
const UPPER = /[A-Z]/;

function rewriteCode(text: string): string {
  return text
    .replace(/\bINDEXED\s+BY\s+[A-Za-z_][A-Za-z0-9_]*|\bNOT\s+INDEXED\b/gi, '')
    .replace(/\bIFNULL\s*\(/gi, 'COALESCE(')
    .replace(/\binstr\s*\(/gi, 'strpos(')
    .replace(/\bLIMIT\s+-1\b/gi, 'LIMIT ALL')
    .replace(/(^|[^A-Za-z0-9_])(NOT\s+)?LIKE\b/gi, (_m, pre: string, not: string | undefined) => `${pre}${not ?? ''}ILIKE`)
    .replace(/(^|[^A-Za-z0-9_@:$.])([A-Za-z_][A-Za-z0-9_]*)/g, (m, pre: string, word: string) =>
      MIXED_CASE.test(word) && UPPER.test(word) ? `${pre}"${word}"` : m,
    );
}

/** Translates one statement (or a script without parameters, for exec). */
export function translateSql(sql: string, idTables: ReadonlySet<string> = new Set()): TranslatedSql {
  const tokens = tokenize(sql);
  const params: Array<number | string> = [];
  const named = new Map<string, number>();
  let positional = 0;
  let orIgnore = false;
  const parts: string[] = [];
  for (const t of tokens) {
    if (t.kind !== 'code') {
      parts.push(t.text);
      continue;
    }
    let text = t.text;
    if (/\bINSERT\s+OR\s+IGNORE\s+INTO\b/i.test(text)) {
      orIgnore = true;
      text = text.replace(/\bINSERT\s+OR\s+IGNORE\s+INTO\b/gi, 'INSERT INTO');
    }
    // Parameters first (so a camelCase @name is not quoted as an identifier), then the rest.
    let out = '';
    let i = 0;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === ':' && text[i + 1] === ':') {
        out += '::';
        i += 2;
        continue;
      }
      if (ch === '?') {
        let j = i + 1;
        while (j < text.length && /[0-9]/.test(text[j]!)) j++;
        params.push(j > i + 1 ? Number(text.slice(i + 1, j)) - 1 : positional++);
        out += `\u0000${params.length}\u0000`;
        i = j;
        continue;
      }
      if ((ch === '@' || ch === ':' || ch === '$') && /[A-Za-z_]/.test(text[i + 1] ?? '')) {
        let j = i + 1;
        while (j < text.length && /[A-Za-z0-9_]/.test(text[j]!)) j++;
        const name = text.slice(i + 1, j);
        let k = named.get(name);
        if (k === undefined) {
          params.push(name);
          k = params.length;
          named.set(name, k);
        }
        out += `\u0000${k}\u0000`;
        i = j;
        continue;
      }
      out += ch;
      i++;
    }
    parts.push(rewriteCode(out).replace(/\u0000(\d+)\u0000/g, (_m, k: string) => `$${k}`));
  }
  let text = parts.join('');
  const codeOnly = tokens.filter((t) => t.kind === 'code').map((t) => t.text).join(' ');
  const hasReturning = /\bRETURNING\b/i.test(codeOnly);
  if (orIgnore) {
    const m = /\bRETURNING\b/i.exec(text);
    text = m ? `${text.slice(0, m.index)}ON CONFLICT DO NOTHING ${text.slice(m.index)}` : `${text.replace(/[\s;]+$/, '')} ON CONFLICT DO NOTHING`;
  }
  let returnsId = false;
  const insert = /^\s*INSERT\s+INTO\s+"?([A-Za-z_][A-Za-z0-9_]*)"?/i.exec(text);
  if (insert && !hasReturning && idTables.has(insert[1]!.toLowerCase())) {
    text = `${text.replace(/[\s;]+$/, '')} RETURNING id`;
    returnsId = true;
  }
  return { text, params, returnsId };
}

export type BindValue = string | number | bigint | boolean | null | Buffer | Uint8Array;

/** better-sqlite3's argument forms (values, arrays of values, one object of named values) as $1..$n. */
export function bind(t: TranslatedSql, args: readonly unknown[]): unknown[] {
  const positional: unknown[] = [];
  let namedBag: Record<string, unknown> | undefined;
  for (const a of args) {
    if (Array.isArray(a)) positional.push(...a);
    else if (a !== null && typeof a === 'object' && !Buffer.isBuffer(a) && !(a instanceof Uint8Array)) namedBag = { ...namedBag, ...(a as Record<string, unknown>) };
    else positional.push(a);
  }
  return t.params.map((p) => {
    const v = typeof p === 'number' ? positional[p] : namedBag?.[p];
    if (v === undefined) throw new RangeError(`missing value for SQL parameter ${typeof p === 'number' ? `#${p + 1}` : `@${p}`}`);
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'boolean') throw new TypeError('SQLite3 can only bind numbers, strings, bigints, buffers, and null');
    return v;
  });
}
