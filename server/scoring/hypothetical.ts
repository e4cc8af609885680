// A generic noun of aggression with a stated consequence is a hypothesis, not a report:
// "any incursion will be met with force", "an attack on Poland would trigger Article 5",
// "every violation will face a response". The consequence (a threat) keeps its weight; the
// event itself is read as conditional.

import {
  CUE_CLAUSE_BREAK as _CUE_CLAUSE_BREAK,
  CUE_SPEECH as _CUE_SPEECH,
  CUE_CONSEQUENCE as _CUE_CONSEQUENCE,
  CUE_GENERIC as _CUE_GENERIC,
  type CompiledLexicon,
} from './lexicon.ts';
import type { FoundSignal } from './analyse.ts';
import type { Prepared } from './prepare.ts';
import { PUNCT as _PUNCT } from './tokenize.ts';

// Imported constants copied into module scope (the TypeScript loader makes imports getters).
const CUE_CONSEQUENCE = _CUE_CONSEQUENCE;
const CUE_GENERIC = _CUE_GENERIC;
const PUNCT = _PUNCT;
const CUE_CLAUSE_BREAK = _CUE_CLAUSE_BREAK;
const CUE_SPEECH = _CUE_SPEECH;

/** Tokens before the noun searched for "any"/"an"/"every" ("any [further] incursion"). */
export const GENERIC_BACK = 3;
/** Tokens after the noun searched for the consequence ("any attack [on our territory] will be met with"). */
export const CONSEQUENCE_AHEAD = 10;

/**
 * The generic noun phrase is a subject: it opens the sentence or follows punctuation, a clause
 * break, a speech verb or "that" ("warned that any incursion ..."), not a verb ("launched an attack").
 * The scan back passes over the words of the determiner ("any further").
 */
function opensClause(p: Prepared, k: number): boolean {
  const { tokens, cueFlags } = p;
  const sent = tokens[k]!.sentence;
  let b = k - 1;
  while (b >= 0 && tokens[b]!.sentence === sent && (cueFlags[b]! & CUE_GENERIC) !== 0) b--;
  if (b < 0 || tokens[b]!.sentence !== sent) return true;
  const t = tokens[b]!;
  return t.kind === PUNCT || (cueFlags[b]! & (CUE_CLAUSE_BREAK | CUE_SPEECH)) !== 0 || t.lower === 'that';
}

/** Reads asserted escalation events that are generic subjects of a consequence as conditional. */
export function markHypothetical(lex: CompiledLexicon, p: Prepared, found: FoundSignal[]): void {
  const { tokens, cueFlags } = p;
  const n = tokens.length;
  for (const f of found) {
    // events and background words of aggression ("any incursion into"), not threats
    const cls = f.category.modalityClass;
    if (f.signal.modality !== 'asserted' || f.category.polarity !== 'escalation' || cls === 'escalation-rhetoric') continue;
    const s = f.startToken;
    const sent = tokens[s]!.sentence;
    let generic = false;
    for (let k = s - 1; k >= 0 && k >= s - GENERIC_BACK; k--) {
      if (tokens[k]!.sentence !== sent || tokens[k]!.kind === PUNCT) break;
      if ((cueFlags[k]! & CUE_GENERIC) !== 0) {
        generic = opensClause(p, k);
        break;
      }
    }
    if (!generic) continue;
    const stop = Math.min(n, f.endToken + CONSEQUENCE_AHEAD);
    for (let k = f.endToken; k < stop; k++) {
      const t = tokens[k]!;
      if (t.sentence !== sent || (t.kind === PUNCT && t.lower !== ',')) break;
      if ((cueFlags[k]! & CUE_CONSEQUENCE) !== 0) {
        f.signal.modality = 'conditional';
        f.signal.weight = Math.round(f.signal.weight * lex.modality.conditional[cls].factor * 100) / 100;
        break;
      }
    }
  }
}
