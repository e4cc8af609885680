// A named agreement, treaty, plan or resolution is a reference, not an act: "as required by the
// Juba Peace Agreement", "under the Minsk agreements", "resolution 2231", "the Comprehensive Peace
// Agreement" locate the topic; "the two sides signed an agreement" reports agreeing. The verb
// carries the act ("signed the Dayton Accords" keeps "signed"; "violated the Minsk agreement" is a
// reversal, read before this pass and left alone), so the name itself weighs little.

import { NUMBER as _NUMBER } from './tokenize.ts';
import type { CompiledLexicon } from './lexicon-types.ts';
import type { FoundSignal } from './analyse.ts';
import type { Prepared } from './prepare.ts';
import { FRAME_DOCUMENT, frameBits } from './countered.ts';

const NUMBER = _NUMBER;

/** Capitalised words searched before a document noun for its name ("the [Good Friday] Agreement", "the [Minsk] agreements"). */
export const NAME_BACK = 3;

function capitalised(text: string, p: Prepared, k: number): boolean {
  const t = p.tokens[k]!;
  if (t.kind === NUMBER || k === 0 || p.tokens[k - 1]!.sentence !== t.sentence) return false; // a sentence's first word says nothing
  const c = text.charCodeAt(t.start);
  return c >= 65 && c <= 90;
}

/**
 * Most words of the sentence capitalised: a headline in title case ("Russia, Ukraine Sign Peace
 * Agreement"), where capitals name nothing. Counted once per sentence.
 */
function titleCase(text: string, p: Prepared, k: number, memo: Map<number, boolean>): boolean {
  const { tokens } = p;
  const sent = tokens[k]!.sentence;
  const known = memo.get(sent);
  if (known !== undefined) return known;
  let words = 0;
  let upper = 0;
  let a = k;
  while (a > 0 && tokens[a - 1]!.sentence === sent) a--;
  for (let j = a; j < tokens.length && tokens[j]!.sentence === sent; j++) {
    if (tokens[j]!.kind !== 0 || tokens[j]!.lower.length < 4) continue; // short words ("of", "the") are lower-case in titles too
    words++;
    const c = text.charCodeAt(tokens[j]!.start);
    if (c >= 65 && c <= 90) upper++;
  }
  const title = words >= 3 && (words - upper) * 8 < words; // at most one lower-case word in eight
  memo.set(sent, title);
  return title;
}

/** Small words inside a document's name ("Convention [on the] Prohibition [of] Chemical Weapons"). */
const NAME_GLUE = new Set(['of', 'on', 'the', 'against', 'for', 'and']);

/** Every word of the signal capitalised, inside a name that holds a capitalised document noun within NAME_BACK words. */
function inDocumentName(text: string, p: Prepared, frame: Uint8Array, f: FoundSignal): boolean {
  const { tokens } = p;
  for (let k = f.startToken; k < f.endToken; k++) if (!capitalised(text, p, k)) return false;
  for (let k = f.endToken; k < tokens.length && k < f.endToken + NAME_BACK; k++) {
    if (capitalised(text, p, k)) {
      if ((frameBits(p, frame, k) & FRAME_DOCUMENT) !== 0) return true;
    } else if (!NAME_GLUE.has(tokens[k]!.lower)) break;
  }
  for (let k = f.startToken - 1; k >= 0 && k >= f.startToken - NAME_BACK; k--) {
    if (capitalised(text, p, k)) {
      if ((frameBits(p, frame, k) & FRAME_DOCUMENT) !== 0) return true;
    } else if (!NAME_GLUE.has(tokens[k]!.lower)) break;
  }
  return false;
}

/**
 * A cooperative signal that ends in a document noun (`cues.namedDocuments`: agreement, accords,
 * treaty, plan, resolution, ...) and is named keeps
 * `calibration.namedReference` of its weight. Named: the noun is capitalised ("the Agreement",
 * "the Comprehensive Peace Agreement"), a number follows it ("resolution 2231"), or "the" and a
 * capitalised name of at most NAME_BACK words precede it ("the Minsk agreements"); never a
 * sentence's first word, nor in a headline in title case. Reversed or negated signals are left as read.
 */
export function weighNamedReferences(lex: CompiledLexicon, p: Prepared, found: FoundSignal[], text: string): void {
  const frame = lex.counter.frame;
  const { tokens } = p;
  const factor = lex.calibration.namedReference;
  let memo: Map<number, boolean> | null = null;
  for (const f of found) {
    const last = f.endToken - 1;
    const upper = text.charCodeAt(tokens[f.startToken]!.start);
    // most signals: a lower-case escalation word, or a cooperative one that is no document
    if (f.category.polarity === 'escalation' ? upper < 65 || upper > 90 : (frameBits(p, frame, last) & FRAME_DOCUMENT) === 0) continue;
    const m = f.signal.modality;
    if (m !== 'asserted' && m !== 'intended' && m !== 'past') continue;
    if (f.category.polarity === 'escalation' && f.signal.polarity === 'escalation') {
      // "the Chemical Weapons Convention", "the Convention against Torture": violence in a document's name
      if (inDocumentName(text, p, frame, f) && !(memo ??= new Map(), titleCase(text, p, f.startToken, memo))) {
        f.signal.modality = 'addressed';
        f.signal.weight = Math.round(f.base * lex.modality.addressed[f.category.modalityClass].factor * 100) / 100;
      }
      continue;
    }
    if (f.category.polarity !== 'deescalation' || f.signal.polarity !== 'deescalation') continue;
    let named = last + 1 < tokens.length && tokens[last + 1]!.kind === NUMBER && tokens[last + 1]!.sentence === tokens[last]!.sentence;
    if (!named) named = capitalised(text, p, last); // "the Agreement", "the Comprehensive Peace Agreement"
    if (!named) {
      // "the Minsk agreements", "the Oslo peace accords": a capitalised name after "the"
      let k = f.startToken - 1;
      while (k >= 0 && f.startToken - k <= NAME_BACK && capitalised(text, p, k)) k--;
      named = k < f.startToken - 1 && k >= 0 && tokens[k]!.lower === 'the';
    }
    if (!named) continue;
    memo ??= new Map();
    if (titleCase(text, p, last, memo)) continue;
    f.base *= factor;
    f.signal.weight = Math.round(f.signal.weight * factor * 100) / 100;
  }
}
