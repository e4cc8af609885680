// A promise of force is a threat: "promised a decisive response", "vowed a harsh response",
// "пообещал жёсткий ответ", "prometió una respuesta dura". The verb of promising is background
// cooperation ("promised aid", "pledged support"); when what it promises, in its clause, is an
// escalation signal (a threat, targeting, an act of force), the verb is not counted as
// cooperation, so the promise does not calm the threat it announces.

import type { CompiledLexicon } from './lexicon.ts';
import type { FoundSignal } from './analyse.ts';
import type { Prepared } from './prepare.ts';

/** Tokens after a verb of promising searched for what is promised ("promised [a] decisive response"). */
export const PROMISE_OBJECT_AHEAD = 6;

/** Drops the cooperative reading of a verb of promising (`cues.promiseVerbs`) whose object is an escalation signal. */
export function dropPromisedThreats(lex: CompiledLexicon, p: Prepared, found: FoundSignal[]): void {
  const verbs = lex.promiseVerbs;
  if (verbs.size === 0) return;
  const { tokens, clause } = p;
  for (let i = found.length - 2; i >= 0; i--) {
    const f = found[i]!;
    if (f.category.kind !== 'vocabulary' || f.signal.polarity !== 'deescalation' || f.endToken - f.startToken !== 1) continue;
    if (!verbs.has(tokens[f.startToken]!.lower)) continue;
    for (let j = i + 1; j < found.length; j++) {
      const g = found[j]!;
      if (g.startToken - f.endToken > PROMISE_OBJECT_AHEAD || clause[g.startToken] !== clause[f.startToken]) break;
      if (g.category.kind !== 'vocabulary' && g.category.polarity === 'escalation' && g.signal.polarity === 'escalation') {
        found.splice(i, 1);
        break;
      }
    }
  }
}
