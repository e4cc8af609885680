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
const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/** Prefixes an apostrophe when a spreadsheet would read the text as a formula. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One field: numbers as they are, text neutralised then quoted when RFC 4180 requires it. */
export function csvField(cell: CsvCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') {
    // NaN or Infinity would be a bug upstream; an empty cell is safer than text that looks numeric.
    return Number.isFinite(cell) ? String(cell) : '';
  }
  const text = neutraliseFormula(cell);
  if (!NEEDS_QUOTES.test(text)) return text;
  return text.includes('"') ? `"${text.replace(QUOTE, '""')}"` : `"${text}"`;
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
