// Names for a government that deny its legitimacy only when applied as a label: "Kyiv called
// the Moscow government a junta" is denial; "the junta announced a new cabinet", "Niger's
// military junta" describe who governs.

import type { CompiledLexicon } from './lexicon.ts';
import type { FoundSignal } from './analyse.ts';
import type { Prepared } from './prepare.ts';

/** Tokens before a label word searched for the verb that applies it ("called [the new government in Kyiv an illegal] junta"). */
export const LABEL_BACK = 10;
/** Tokens before a label word searched for "as" or a pejorative modifier ("as [a] junta", "a murderous junta"). */
export const MODIFIER_BACK = 2;

export interface LabelCues {
  /** Lower-case word -> factor its signal keeps when it is not applied as a label (`cues.labelOnly`). */
  labelOnly: Map<string, number>;
  /** Lower-case verbs that apply a label (`cues.labelling`: "called", "branded"). */
  labelling: Set<string>;
  /** Lower-case words right before the label that apply it (`cues.labelModifiers`: "as", "so-called", "murderous"). */
  modifiers: Set<string>;
}

export function compileLabelCues(cues: Record<string, unknown>): LabelCues {
  const fail = (path: string, message: string): never => {
    throw new Error(`Invalid lexicon: lexicon.cues.${path}: ${message}`);
  };
  const only = cues['labelOnly'];
  if (typeof only !== 'object' || only === null || Array.isArray(only)) return fail('labelOnly', 'must be an object');
  const labelOnly = new Map<string, number>();
  for (const [w, factor] of Object.entries(only as Record<string, unknown>)) {
    if (w === '' || w !== w.toLowerCase() || w.includes(' ')) fail(`labelOnly["${w}"]`, 'must be one lower-case word');
    if (typeof factor !== 'number' || !(factor >= 0 && factor <= 1)) fail(`labelOnly["${w}"]`, 'must be a number from 0 to 1');
    labelOnly.set(w, factor as number);
  }
  const words = (name: string): Set<string> => {
    const list = cues[name];
    if (!Array.isArray(list)) return fail(name, 'must be an array');
    const set = new Set<string>();
    list.forEach((w, i) => {
      if (typeof w !== 'string' || w === '' || w !== w.toLowerCase() || w.includes(' ')) fail(`${name}[${i}]`, 'must be one lower-case word');
      set.add(w as string);
    });
    return set;
  };
  return { labelOnly, labelling: words('labelling'), modifiers: words('labelModifiers') };
}

/**
 * A legitimacy-denial signal that is one label-only word ("junta") keeps its weight when a
 * labelling verb precedes it in its clause ("called the new government in Kyiv a junta"), when
 * "as" or a pejorative modifier is right before it ("dismissed them as a junta", "a murderous
 * junta"), or when another legitimacy denial is next to it; otherwise it is descriptive and
 * keeps its `cues.labelOnly` factor.
 */
export function weighLabels(lex: CompiledLexicon, p: Prepared, found: FoundSignal[]): void {
  const { tokens, clause } = p;
  const { labelOnly, labelling, modifiers } = lex.labels;
  for (let i = 0; i < found.length; i++) {
    const f = found[i]!;
    if (f.category.id !== 'legitimacy-denial' || f.endToken - f.startToken !== 1) continue;
    const factor = labelOnly.get(tokens[f.startToken]!.lower);
    if (factor === undefined) continue;
    const s = f.startToken;
    let applied = false;
    for (let k = s - 1; k >= 0 && k >= s - LABEL_BACK && clause[k] === clause[s]; k--) {
      const w = tokens[k]!.lower;
      if (labelling.has(w) || (s - k <= MODIFIER_BACK && modifiers.has(w))) applied = true;
    }
    const prev = i > 0 ? found[i - 1]! : null;
    if (prev !== null && prev.category.id === 'legitimacy-denial' && s - prev.endToken <= 1) applied = true;
    if (applied) continue;
    f.base *= factor;
    f.signal.weight = Math.round(f.signal.weight * factor * 100) / 100;
  }
}
