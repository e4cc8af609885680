// Character classes of the tokenizer (tokenize.ts): an ASCII table and the rules for the rest
// of UTF-16 (letters, separators, significant punctuation, apostrophes), and the punctuation a
// wide mark stands for.

// Character classes for the ASCII range.
export const SEP = 0;
export const LETTER = 1;
export const DIGIT = 2;
export const MARK = 3; // significant punctuation
export const APOS = 4;

export const ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) ASCII[c] = LETTER;
  else if (c >= 48 && c <= 57) ASCII[c] = DIGIT;
  else ASCII[c] = SEP;
}
for (const ch of '.,;:!?()') ASCII[ch.charCodeAt(0)] = MARK;
ASCII[39] = APOS; // '

export function classOf(c: number): number {
  if (c < 128) return ASCII[c]!;
  return classOfWide(c);
}

export function classOfWide(c: number): number {
  if (c === 0x2019 || c === 0x2018) return APOS;
  if (c === 0x2013 || c === 0x2014 || c === 0x2026 || c === 0xff1f) return MARK;
  if (c < 0xc0) return SEP; // C1 controls, Latin-1 punctuation and symbols
  if (c === 0xd7 || c === 0xf7) return SEP;
  if (c >= 0x2000 && c <= 0x2bff) return SEP; // general punctuation, symbols, arrows, dingbats
  if (c >= 0xd800 && c <= 0xdfff) return SEP; // surrogates (emoji, lone halves)
  if (c >= 0x3000 && c <= 0x303f) return SEP;
  if (c >= 0xfe00 && c <= 0xfe0f) return SEP;
  if (c >= 0xff00 && c <= 0xff20) return SEP;
  if (c === 0xfeff || c === 0xfffd) return SEP;
  return LETTER;
}

export function markOf(c: number): string {
  if (c === 0x2013 || c === 0x2014) return ',';
  if (c === 0x2026) return '.';
  if (c === 0xff1f) return '?';
  return String.fromCharCode(c);
}

export function isLetterAt(text: string, i: number): boolean {
  return i < text.length && classOf(text.charCodeAt(i)) === LETTER;
}
