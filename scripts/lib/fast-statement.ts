// The score CLI's reading of one input line without JSON.parse, for the common shape: one flat
// JSON object whose "id", "text" and "speaker" are strings without escapes ("id" and "speaker"
// may also be null) and whose other members are strings, numbers, true, false or null. Such a
// line is read in one pass into a reused object; anything else (an escape, a nested value, an
// id that is a number, a malformed line, a byte order mark...) returns false and the caller
// parses the line with JSON.parse (parseStatementLine), which reads it or says what is wrong.
// So the fast path accepts only lines JSON.parse accepts, and reads them the same: the same
// characters for each string, the last value when a key repeats (test/scoring/fast-statement.test.ts
// compares the two on valid, unusual and hostile lines).

export interface FastStatement {
  id: unknown;
  text: string;
  speaker: string | null;
}

const QUOTE = 34;
const BACKSLASH = 92;

/** JSON whitespace only (space, tab, line feed, carriage return): JSON.parse rejects any other. */
function skipWs(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return i;
    i++;
  }
}

/** A run of string characters that need no escape (sticky: matched at lastIndex, natively). */
const PLAIN_CHARS = /[^"\\\u0000-\u001f]*/y;

/** Index of the quote that ends a string opened before `i`, or -1 if it has an escape or a control character, or is unterminated. */
function stringEnd(s: string, i: number): number {
  PLAIN_CHARS.lastIndex = i;
  PLAIN_CHARS.test(s); // always matches (possibly nothing)
  const end = PLAIN_CHARS.lastIndex;
  return s.charCodeAt(end) === QUOTE ? end : -1;
}

function digitsEnd(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return i;
    i++;
  }
}

/** End of a JSON number at `i` (-?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?), or -1 if there is none. */
function numberEnd(s: string, i: number): number {
  if (s.charCodeAt(i) === 45) i++; // -
  const c = s.charCodeAt(i);
  if (c === 48) i++;
  else if (c >= 49 && c <= 57) i = digitsEnd(s, i + 1);
  else return -1;
  if (s.charCodeAt(i) === 46) {
    const j = digitsEnd(s, i + 1);
    if (j === i + 1) return -1;
    i = j;
  }
  const e = s.charCodeAt(i);
  if (e === 101 || e === 69) {
    i++;
    const sign = s.charCodeAt(i);
    if (sign === 43 || sign === 45) i++;
    const j = digitsEnd(s, i);
    if (j === i) return -1;
    i = j;
  }
  return i;
}

/** End of the literal `word` at `i`, or -1. */
function literalEnd(s: string, i: number, word: string): number {
  return s.startsWith(word, i) ? i + word.length : -1;
}

const OTHER = 0;
const ID = 1;
const TEXT = 2;
const SPEAKER = 3;

function keyOf(s: string, start: number, len: number): number {
  if (len === 2) return s.charCodeAt(start) === 105 && s.charCodeAt(start + 1) === 100 ? ID : OTHER;
  if (len === 4) return s.startsWith('text', start) ? TEXT : OTHER;
  if (len === 7) return s.startsWith('speaker', start) ? SPEAKER : OTHER;
  return OTHER;
}

/**
 * Reads `line` into `out` when it has the common shape (see the file's head) and a string
 * "text"; returns false, with `out` in any state, when the line must go through JSON.parse.
 */
export function readStatementFast(line: string, out: FastStatement): boolean {
  const n = line.length;
  let i = skipWs(line, 0);
  if (line.charCodeAt(i) !== 123) return false; // {
  i = skipWs(line, i + 1);
  let id: unknown = null;
  let text: string | null = null;
  let speaker: string | null = null;
  for (;;) {
    if (line.charCodeAt(i) !== QUOTE) return false; // also "{}": no text, JSON.parse's path says so
    // the usual keys compared in place; any other key is scanned as a string
    let key: number;
    let keyEnd: number;
    if (line.startsWith('text"', i + 1)) {
      key = TEXT;
      keyEnd = i + 5;
    } else if (line.startsWith('id"', i + 1)) {
      key = ID;
      keyEnd = i + 3;
    } else if (line.startsWith('speaker"', i + 1)) {
      key = SPEAKER;
      keyEnd = i + 8;
    } else {
      keyEnd = stringEnd(line, i + 1);
      if (keyEnd < 0) return false;
      key = keyOf(line, i + 1, keyEnd - i - 1);
    }
    i = skipWs(line, keyEnd + 1);
    if (line.charCodeAt(i) !== 58) return false; // :
    i = skipWs(line, i + 1);
    const c = line.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(line, i + 1);
      if (end < 0) return false;
      if (key !== OTHER) {
        const value = line.slice(i + 1, end);
        if (key === TEXT) text = value;
        else if (key === ID) id = value;
        else speaker = value;
      }
      i = end + 1;
    } else if (c === 110) {
      // null: a null id or speaker reads as none; a null text is an error JSON.parse's path reports
      i = literalEnd(line, i, 'null');
      if (i < 0 || key === TEXT) return false;
      if (key === ID) id = null;
      else if (key === SPEAKER) speaker = null;
    } else {
      if (key !== OTHER) return false; // a number or boolean id (written back as JSON), a non-string text or speaker
      i = c === 116 ? literalEnd(line, i, 'true') : c === 102 ? literalEnd(line, i, 'false') : numberEnd(line, i);
      if (i < 0) return false;
    }
    i = skipWs(line, i);
    const sep = line.charCodeAt(i);
    if (sep === 44) i = skipWs(line, i + 1); // ,
    else if (sep === 125) break; // }
    else return false;
  }
  if (skipWs(line, i + 1) !== n || text === null) return false;
  out.id = id;
  out.text = text;
  out.speaker = speaker;
  return true;
}
