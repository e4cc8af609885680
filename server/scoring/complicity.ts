// Complicity: a cooperative verb whose object is violence or an armed group is conflict.
// "provided weapons and funding to the insurgents", "accused of financing, planning and
// facilitating terrorist attacks", "harboured the militants", "recruited fighters": financing,
// arming, supplying, harbouring, facilitating, training or recruiting for violence is material
// conflict (CAMEO 19x support), not cooperation. "provided food and medicine to the refugees"
// stays cooperation; "prevent the financing of terrorism" is countering (countered.ts), not
// complicity.

import { CUE_CLAUSE_BREAK as _CUE_CLAUSE_BREAK, type CompiledLexicon } from './lexicon-types.ts';
import type { FoundSignal } from './analyse.ts';
import type { Prepared } from './prepare.ts';
import { counteredAt, wordSet } from './countered.ts';

const CUE_CLAUSE_BREAK = _CUE_CLAUSE_BREAK;

export interface ComplicityCues {
  /** Verbs of support (`cues.complicityVerbs`: "financing", "supplied", "harboured", "trained"). */
  verbs: Set<string>;
  /** Words of weapons that make support complicity (`cues.complicityObjects`: "weapons", "ammunition"). */
  objects: Set<string>;
}

export function compileComplicityCues(cues: Record<string, unknown>): ComplicityCues {
  return { verbs: wordSet(cues, 'complicityVerbs'), objects: wordSet(cues, 'complicityObjects') };
}

/** Tokens after a verb of support searched for what it supports ("financing[, planning and facilitating] terrorist attacks"). */
export const COMPLICITY_AHEAD = 8;

/** Violence, a violent or armed group, or weapons: what support turns into complicity. */
function violentObject(lex: CompiledLexicon, p: Prepared, g: FoundSignal): boolean {
  const c = g.category;
  if (c.polarity !== 'escalation' || g.signal.modality === 'negated' || g.signal.modality === 'denied') return false;
  if (c.violentContext) return true;
  if (c.kind !== 'vocabulary') return false;
  return g.entry.weight >= lex.calibration.violentVocabulary * c.weight || lex.complicity.objects.has(p.tokens[g.startToken]!.lower);
}

/** "those who finance, plan or commit terrorist acts": whom a rule is about, not an act ("who" after "those", "anyone", "persons"). */
function generic(p: Prepared, s: number): boolean {
  const { tokens } = p;
  for (let k = s - 1; k >= 1 && k >= s - COMPLICITY_AHEAD; k--) {
    if (tokens[k]!.sentence !== tokens[s]!.sentence) return false;
    if (tokens[k]!.lower !== 'who') continue;
    return GENERIC_ANTECEDENTS.has(tokens[k - 1]!.lower);
  }
  return false;
}
const GENERIC_ANTECEDENTS = new Set(['those', 'anyone', 'anybody', 'persons', 'people', 'individuals', 'entities', 'all']);

/**
 * Re-reads as conflict a cooperative word that is a verb of support (`cues.complicityVerbs`)
 * when the first escalation signal after it in its sentence, within COMPLICITY_AHEAD tokens and
 * before any clause break other than a comma (a list of verbs shares its object), is violence, a
 * violent group (a conflict word of `calibration.violentVocabulary` weight or more) or weapons
 * (`cues.complicityObjects`). A verb of support that is itself countered ("to combat the
 * financing of") is left to countered.ts.
 */
export function markComplicity(lex: CompiledLexicon, p: Prepared, found: FoundSignal[], text: string): void {
  const verbs = lex.complicity.verbs;
  if (verbs.size === 0) return;
  const { tokens, cueFlags } = p;
  const conflict = lex.categories.get('conflict-vocabulary');
  if (conflict === undefined) return;
  for (let i = 0; i < found.length - 1; i++) {
    const f = found[i]!;
    if (f.category.kind !== 'vocabulary' || f.category.polarity !== 'deescalation' || f.signal.polarity !== 'deescalation') continue;
    const m = f.signal.modality;
    if ((m !== 'asserted' && m !== 'intended' && m !== 'past') || !verbs.has(tokens[f.startToken]!.lower)) continue;
    if (f.endToken < tokens.length && tokens[f.endToken]!.lower === 'by') continue; // "data provided by States": the passive names the giver
    const sent = tokens[f.startToken]!.sentence;
    let object: FoundSignal | null = null;
    for (let j = i + 1; j < found.length; j++) {
      const g = found[j]!;
      if (g.startToken - f.endToken > COMPLICITY_AHEAD || tokens[g.startToken]!.sentence !== sent) break;
      let broken = false;
      for (let k = g.startToken - 1; k >= f.endToken && !broken; k--) if (((cueFlags[k]! & CUE_CLAUSE_BREAK) !== 0 && tokens[k]!.lower !== ',') || tokens[k]!.lower === 'that') broken = true;
      if (broken) break;
      if (g.category.polarity === 'escalation') {
        object = g;
        break;
      }
      // "support for efforts to end the violence", "provided aid to the displaced": cooperation first
      if (!verbs.has(tokens[g.startToken]!.lower)) break;
    }
    if (object === null || !violentObject(lex, p, object) || generic(p, f.startToken) || counteredAt(lex, p, f.startToken, text)) continue;
    f.base = (f.base * conflict.weight) / f.category.weight;
    f.category = conflict;
    f.signal.category = conflict.id;
    f.signal.polarity = 'escalation';
    f.signal.weight = Math.round(f.base * (m === 'asserted' ? 1 : lex.modality[m].vocabulary.factor) * 100) / 100;
  }
}
