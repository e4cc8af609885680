// Words of death and mourning weighed by the violence (or the peaceful cause) around them.

import type { CompiledLexicon } from './lexicon.ts';
import type { FoundSignal } from './analyse.ts';
import type { Prepared } from './prepare.ts';

/**
 * Death and mourning words ("died", "killed", "mourned") are escalation evidence when the
 * statement reports violence: another violent signal (an attack, a threat, a non-contextual
 * casualty phrase such as "civilians killed", or a heavy conflict word such as "gunmen") in
 * the same or the previous sentence. Otherwise a stated peaceful cause ("of cancer", "aged",
 * "flood", "car crash") scales them by its factor (`cues.peacefulDeath`); with no cause, armed
 * forces, police or fighters named in the sentence (`cues.armedActor`) keep them whole; and
 * with neither they keep their own bare factor (`cues.needsViolentContext`): an obituary is
 * not a conflict report, a flood is a disaster.
 */
export function weighDeathContext(lex: CompiledLexicon, p: Prepared, found: FoundSignal[]): void {
  const { tokens } = p;
  const heavy = lex.calibration.violentVocabulary;
  // one pass marks the sentences with violence in them (the per-sentence array is scratch)
  const violentSentence = p.scratch.violentSentence;
  for (const g of found) {
    if (g.entry.bareFactor > 0 || g.category.polarity !== 'escalation') continue;
    const c = g.category;
    if (c.violentContext || (c.kind === 'vocabulary' && g.entry.weight >= heavy * c.weight)) violentSentence[tokens[g.startToken]!.sentence] = 1;
  }
  for (const f of found) {
    const bare = f.entry.bareFactor;
    if (bare === 0) continue;
    const sent = tokens[f.startToken]!.sentence;
    if (violentSentence[sent] === 1 || (sent > 0 && violentSentence[sent - 1] === 1)) continue;
    // a stated peaceful cause wins over armed men merely named ("soldiers died in a training
    // accident"); armed men named with no cause read as violence ("troops killed 12 civilians")
    const peaceful = p.peacefulSentence[sent]!;
    if (peaceful >= 1 && p.scratch.armedSentence[sent] === 1) continue;
    const factor = peaceful < 1 ? peaceful : bare;
    f.signal.weight = Math.round(f.signal.weight * factor * 100) / 100;
  }
}

