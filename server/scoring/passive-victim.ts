// Violence in the passive after a cooperative subject names that subject as its victim ("aid
// workers were attacked"): used by markAddressed in frames.ts.

import type { CompiledLexicon } from './lexicon.ts';
import type { FoundSignal } from './analyse.ts';
import type { Prepared } from './prepare.ts';

/** Tokens before a signal searched for a passive auxiliary ("were [frequently] attacked"). */
export const PASSIVE_BACK = 2;
/**
 * Violence in the passive after a cooperative subject ("aid workers were attacked", "a food
 * convoy was shelled", "negotiators were arrested"): the act is the event and the cooperative
 * words name its victim, so the victim is `addressed` rather than the act (a passive auxiliary,
 * `cues.passiveAuxiliary`, at most PASSIVE_BACK tokens before an asserted escalation event or
 * word). Returns the victim's signal, or null.
 */
export function passiveVictim(lex: CompiledLexicon, p: Prepared, found: FoundSignal[], i: number, gap: number): FoundSignal | null {
  const f = found[i]!;
  if (f.category.polarity !== 'escalation' || f.category.modalityClass === 'escalation-rhetoric' || f.signal.modality !== 'asserted') return null;
  const s = f.startToken;
  let passive = false;
  for (let k = s - 1; k >= 0 && k >= s - PASSIVE_BACK; k--) if (lex.passive.has(p.tokens[k]!.lower)) passive = true;
  if (!passive) return null;
  // the nearest cooperative signal before it in the clause ("negotiators [from the opposition] were arrested")
  for (let j = i - 1; j >= 0; j--) {
    const g = found[j]!;
    if (p.clause[g.endToken - 1] !== p.clause[s] || s - g.endToken > gap) return null;
    if (g.signal.polarity === 'deescalation' && g.category.polarity === 'deescalation') {
      return g.signal.modality === 'asserted' || g.signal.modality === 'intended' ? g : null;
    }
  }
  return null;
}
