// A threat is weighed by what is threatened: "threatened to invade" is a threat of force,
// "threatened to resign", "to boycott the vote" or "to veto the budget" is pressure without
// force (CAMEO 13x other than 138), and must not weigh like one.

import type { CompiledLexicon } from './lexicon.ts';
import { CUE_COOP_PRESENCE as _CUE_COOP_PRESENCE } from './lexicon-types.ts';
import type { FoundSignal } from './analyse.ts';
import type { Prepared } from './prepare.ts';

const CUE_COOP_PRESENCE = _CUE_COOP_PRESENCE;

/** Tokens after "threatened to" searched for the act threatened ("threatened to [launch] missiles"). */
export const THREAT_OBJECT_AHEAD = 6;

/** A cue list of lower-case single words (`cues.threatVerbs`, `cues.passiveAuxiliary`) as a set. */
export function compileWordSet(cues: Record<string, unknown>, name: string): Set<string> {
  const list = cues[name];
  if (!Array.isArray(list)) throw new Error(`Invalid lexicon: lexicon.cues.${name}: must be an array`);
  const out = new Set<string>();
  list.forEach((w, i) => {
    if (typeof w !== 'string' || w === '' || w !== w.toLowerCase() || w.includes(' ')) {
      throw new Error(`Invalid lexicon: lexicon.cues.${name}[${i}]: must be one lower-case word`);
    }
    out.add(w);
  });
  return out;
}

/**
 * "threatens the peace process", "threatened the ceasefire": what is threatened is cooperation,
 * so the verb endangers it rather than threatening force (CAMEO 13 without force, as
 * "threatened to resign"), and the cooperative object counts as conflict, as a rejected or
 * obstructed one does (frames.ts, markReversals).
 */
function threatToCooperation(lex: CompiledLexicon, p: Prepared, found: FoundSignal[], i: number): void {
  const f = found[i]!;
  const g = found[i + 1];
  if (g === undefined || g.startToken - f.endToken > THREAT_OBJECT_AHEAD || p.clause[g.startToken] !== p.clause[f.startToken]) return;
  if (g.category.polarity !== 'deescalation' || (g.signal.modality !== 'asserted' && g.signal.modality !== 'intended')) return;
  // people and supplies are threatened with violence ("threatened aid workers", "the aid convoy")
  if (g.category.id === 'aid') return;
  for (let k = g.startToken; k < g.endToken; k++) if ((p.cueFlags[k]! & CUE_COOP_PRESENCE) !== 0) return;
  const { nonviolentThreat, reversal, reversalFloor } = lex.calibration;
  f.base *= nonviolentThreat;
  f.signal.weight = Math.round(f.signal.weight * nonviolentThreat * 100) / 100;
  g.signal.polarity = 'escalation';
  g.signal.modality = 'negated';
  g.signal.weight = Math.round(Math.max(g.base * reversal, reversalFloor) * 100) / 100;
}

/** `cues.threatVerbs`: lower-case single words, the verb forms of threatening ("threatened"). */
export function compileThreatVerbs(cues: Record<string, unknown>): Set<string> {
  return compileWordSet(cues, 'threatVerbs');
}

/**
 * A threat-of-force signal that is a verb of threatening followed by "to" ("threatened to",
 * "threatens to") keeps its weight only when the act after it, in its clause, is violent (a
 * category with `violentContext`: an attack, a blockade, a strike, force itself; or forces
 * deployed); otherwise
 * ("threatened to resign", "to walk out of the talks", "to impose tariffs") it keeps
 * `calibration.nonviolentThreat` of it. The act itself is still read as what it is.
 */
export function weighThreatObjects(lex: CompiledLexicon, p: Prepared, found: FoundSignal[]): void {
  const { tokens, clause } = p;
  const verbs = lex.threatVerbs;
  for (let i = 0; i < found.length; i++) {
    const f = found[i]!;
    if (f.category.id !== 'threat-of-force' || f.endToken - f.startToken !== 1 || f.signal.polarity !== 'escalation') continue;
    const at = f.startToken;
    if (!verbs.has(tokens[at]!.lower) || at + 1 >= tokens.length) continue;
    if (tokens[at + 1]!.lower !== 'to') {
      threatToCooperation(lex, p, found, i);
      continue;
    }
    let violent = false;
    for (let j = i + 1; j < found.length; j++) {
      const g = found[j]!;
      if (g.startToken - f.endToken > THREAT_OBJECT_AHEAD || clause[g.startToken] !== clause[at]) break;
      // forces sent or moved are force too ("threatened to send troops")
      if ((g.category.violentContext || g.category === lex.movement.category) && g.category.polarity === 'escalation') {
        violent = true;
        break;
      }
    }
    if (violent) continue;
    f.base *= lex.calibration.nonviolentThreat;
    f.signal.weight = Math.round(f.signal.weight * lex.calibration.nonviolentThreat * 100) / 100;
  }
}
