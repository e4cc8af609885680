// A concessive clause is background: "Despite the ceasefire, fighting continued in the east" is
// about the fighting, "Despite the shelling, the talks went ahead" about the talks. What the
// clause concedes ("despite", "in spite of", "notwithstanding", "although", "even though";
// `cues.concessive`) weighs `calibration.concessive` of its weight, whichever its polarity, and
// the main clause after a fronted concessive gets its own lead, as after an initial condition.

import {
  CUE_CLAUSE_BREAK as _CUE_CLAUSE_BREAK,
  CUE_CONCESSIVE as _CUE_CONCESSIVE,
  CUE_CONDITIONAL as _CUE_CONDITIONAL,
  CUE_NEGATION_SCOPE_BREAK as _CUE_NEGATION_SCOPE_BREAK,
  CUE_SPEECH as _CUE_SPEECH,
  type CompiledLexicon,
} from './lexicon.ts';
import type { FoundSignal } from './analyse.ts';
import type { Prepared } from './prepare.ts';
import { PUNCT as _PUNCT } from './tokenize.ts';

// Imported constants copied into module scope (the TypeScript loader makes imports getters).
const PUNCT = _PUNCT;
const CUE_CONCESSIVE = _CUE_CONCESSIVE;
/** At most this many tokens (a comma among them) before a concessive that still fronts its sentence ("However, while"). */
const INTRODUCTION = 4;
/** Words after which a concessive opens its own clause ("but despite ...", "said [that] although ..."). */
const OPENER = _CUE_CLAUSE_BREAK | _CUE_SPEECH | _CUE_NEGATION_SCOPE_BREAK | _CUE_CONDITIONAL;

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The lead factor of analyse.ts at `pos` tokens into the lead. */
function leadAt(pos: number, boost: number, tokens: number): number {
  return (pos >= tokens ? 1 : 1 + (boost * (tokens - pos)) / tokens) / (1 + boost);
}

/** Scales a signal's weight (and its base, for consistency) by x. */
function scale(f: FoundSignal, x: number): void {
  f.base *= x;
  f.signal.weight = round2(f.signal.weight * x);
}

/** The stops found so far, so that no stretch of tokens is scanned twice (see nextStop). */
interface Stops {
  any: number;
  hard: number;
}

/**
 * The first token after `from` that is punctuation other than a bracket (`hard`: nor a comma) or
 * opens the next sentence. `known` is an earlier answer for an earlier `from`: when it lies
 * beyond `from`, nothing between stops, so it is the answer again; every scan starts where the
 * last one ended, so the scans of a statement are linear together.
 */
function nextStop(p: Prepared, from: number, known: number, hard: boolean): number {
  const { tokens } = p;
  const n = tokens.length;
  if (known > from) return known;
  let k = from + 1;
  for (; k < n; k++) {
    const t = tokens[k]!;
    if (t.sentence !== tokens[k - 1]!.sentence) break;
    // brackets hold an aside or an acronym ("the Liberation Front (OLF)"), not a clause break
    if (t.kind === PUNCT && t.lower !== '(' && t.lower !== ')' && (!hard || t.lower !== ',')) break;
  }
  return k;
}

/**
 * Where the concessive clause starting at token i ends (exclusive), or -1 when it has no main
 * clause to give way to. A concessive that opens its clause (first in the sentence, after a
 * comma, after "but", "that" or a speech verb: "Despite X, Y", "said that although X, Y")
 * ends at the next punctuation; one inside a clause ("fighting continued despite the truce")
 * runs to the end of the sentence (or a semicolon or colon). A fronted concessive that reaches
 * the end of its sentence without a comma ("Despite the truce fighting went on") is left whole.
 */
function clauseEnd(lex: CompiledLexicon, p: Prepared, i: number, stops: Stops): number {
  const { tokens, cueFlags } = p;
  const n = tokens.length;
  const sent = tokens[i]!.sentence;
  const prev = i > 0 && tokens[i - 1]!.sentence === sent ? i - 1 : -1;
  const afterComma = prev >= 0 && tokens[prev]!.kind === PUNCT;
  const opens = prev < 0 || afterComma || (cueFlags[prev]! & OPENER) !== 0 || lex.concessiveLead.has(tokens[prev]!.lower);
  // fronted: it opens its sentence, a reported clause ("said that although ...") or follows a
  // short introduction ("However, while ...", "In Kabul, despite ...")
  const fronted = opens && (!afterComma || i < INTRODUCTION || tokens[i - INTRODUCTION]!.sentence !== sent);
  // "while" is concessive only when fronted ("While welcoming X, ..."), not "whereas" after a
  // clause and a comma or "fired while X fled"
  if (!fronted && lex.concessiveOpening.has(tokens[i]!.lower)) return -1;
  let k: number;
  if (opens) k = stops.any = nextStop(p, i, stops.any, false);
  else k = stops.hard = nextStop(p, i, stops.hard, true);
  // the sentence (or its last clause) ends here: nothing follows the concession
  const last = k >= n || tokens[k]!.sentence !== sent || k + 1 >= n || tokens[k + 1]!.sentence !== sent;
  if (fronted && last) return -1;
  return k;
}

/**
 * Signals inside a concessive clause weigh `calibration.concessive` of their weight; after a
 * fronted one ("Despite the truce, rebels shelled the town"), the main
 * clause's lead restarts after the comma. Linear: each token and signal is passed once, and a
 * restarted lead reaches at most `leadTokens` tokens.
 */
export function weighConcessives(lex: CompiledLexicon, p: Prepared, found: FoundSignal[]): void {
  const { tokens, cueFlags } = p;
  const n = tokens.length;
  const { concessive: factor, leadBoost, leadTokens } = lex.calibration;
  const stops: Stops = { any: 0, hard: 0 };
  let j = 0;
  let i = 0;
  while (i < n && j < found.length) {
    if ((cueFlags[i]! & CUE_CONCESSIVE) === 0) {
      i++;
      continue;
    }
    const end = clauseEnd(lex, p, i, stops);
    if (end < 0) {
      i++;
      continue;
    }
    while (j < found.length && found[j]!.startToken < i) j++;
    for (; j < found.length && found[j]!.startToken < end; j++) scale(found[j]!, factor);
    // a fronted concession: the main clause after its comma has its own lead
    const lead = p.scratch.leadStart[i]!;
    if (leadBoost > 0 && end < n && tokens[end]!.sentence === tokens[i]!.sentence && i - lead < INTRODUCTION) {
      const from = end + 1;
      for (let k = j; k < found.length; k++) {
        const s = found[k]!.startToken;
        if (s - from >= leadTokens || tokens[s]!.sentence !== tokens[i]!.sentence) break;
        if (p.scratch.leadStart[s]! > lead) break; // a new lead already (a speech verb)
        scale(found[k]!, leadAt(s - from, leadBoost, leadTokens) / leadAt(s - lead, leadBoost, leadTokens));
      }
    }
    i = end;
  }
}
