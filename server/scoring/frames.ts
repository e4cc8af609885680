// Passes over the signals found in a statement that re-read one signal in the light of another
// or of the words around it (deaths without violence are in death-context.ts): signals that are the object of an
// opposite action, cooperation rejected or halted (here); topics of talk, violence that a
// release or surrender resolves and demands (frames-addressed.ts). Every pass is linear in the
// tokens and signals.

import type { Polarity } from './types.ts';
import {
  CUE_ARMED as _CUE_ARMED,
  CUE_CLAUSE_BREAK as _CUE_CLAUSE_BREAK,
  CUE_COOP_PRESENCE as _CUE_COOP_PRESENCE,
  CUE_NEGATION_SCOPE_BREAK as _CUE_NEGATION_SCOPE_BREAK,
  CUE_REVERSAL as _CUE_REVERSAL,
  CUE_NEGATION as _CUE_NEGATION,
  CUE_TOPIC as _CUE_TOPIC,
  type Category,
  type CompiledLexicon,
} from './lexicon.ts';
import type { FoundSignal } from './analyse.ts';
import type { Prepared } from './prepare.ts';
import { passiveVictim } from './passive-victim.ts';
import { opensNegatedReversal } from './modality.ts';
import { round2 as _round2 } from './frames-addressed.ts';

// The passes that mark signals `addressed` by their surroundings (topics, resolutions, claims)
// live in frames-addressed.ts; re-exported so importers keep one module.
export { TOPIC_BACK, CLAIM_AHEAD, markTopics, markResolutions, markClaims } from './frames-addressed.ts';

// Imported constants copied into module scope (the TypeScript loader makes imports getters).
const CUE_ARMED = _CUE_ARMED;
const CUE_CLAUSE_BREAK = _CUE_CLAUSE_BREAK;
const CUE_COOP_PRESENCE = _CUE_COOP_PRESENCE;
const CUE_NEGATION_SCOPE_BREAK = _CUE_NEGATION_SCOPE_BREAK;
const CUE_REVERSAL = _CUE_REVERSAL;
const CUE_NEGATION = _CUE_NEGATION;
const CUE_TOPIC = _CUE_TOPIC;
const round2 = _round2;


/** Tokens between an action and the signal it governs ("aid for [the] displaced"). */
export const ADDRESSED_GAP = 6;
/** Minimum weight of the preceding signal for it to govern the next one. */
export const ADDRESSED_MIN_GOVERNOR = 0.6;

/**
 * A signal that is the object of an opposite action is 'addressed': "aid for displaced
 * families" (displacement is what the aid addresses), "support to victims of violence",
 * "an attack on an aid convoy" (the aid is what was hit). The nearest preceding signal in the
 * same clause governs; a governed signal passes its governor's direction on ("assistance to
 * victims of violence": both victims and violence are addressed). Threats are never addressed.
 */
export function markAddressed(lex: CompiledLexicon, p: Prepared, found: FoundSignal[]): void {
  // Only the previous signal matters: the direction it passes on and the weight of the signal
  // heading its chain ("pushing hard for [a humanitarian] ceasefire"), kept in two scalars.
  let prevGoverning: Polarity = 'escalation';
  let prevHead = 0;
  for (let i = 0; i < found.length; i++) {
    const f = found[i]!;
    let governing: Polarity = f.signal.polarity;
    let head = f.category.kind === 'vocabulary' ? 0 : f.signal.weight;
    if (i > 0) {
      const prev = found[i - 1]!;
      const governor: Polarity = prevGoverning;
      const m = f.signal.modality;
      const governs =
        p.clause[prev.endToken - 1] === p.clause[f.startToken] &&
        f.startToken - prev.endToken <= ADDRESSED_GAP &&
        // Only an action of some weight governs ("civil society expressed concern" does not).
        Math.max(prev.signal.weight, prevHead) >= ADDRESSED_MIN_GOVERNOR &&
        prev.category.governs &&
        // A background word governs only background words ("army plans to withdraw" is not an
        // army addressing a withdrawal), unless it is itself governed ("aid to victims of attacks").
        !(prev.category.kind === 'vocabulary' && f.category.kind !== 'vocabulary' && prev.signal.modality !== 'addressed') &&
        governor !== f.category.polarity &&
        (m === 'asserted' || m === 'intended') &&
        f.category.modalityClass !== 'escalation-rhetoric';
      const victim = passiveVictim(lex, p, found, i, ADDRESSED_GAP);
      if (victim !== null) {
        // "aid workers were attacked": the attack is the event; the cooperative subject is its victim
        const rule = lex.modality.addressed[victim.category.modalityClass];
        victim.signal.weight = Math.round(victim.signal.weight * rule.factor * 100) / 100;
        victim.signal.modality = 'addressed';
      } else if (governs) {
        governing = governor;
        head = prevHead;
        const rule = lex.modality.addressed[f.category.modalityClass];
        f.signal.weight = Math.round(f.signal.weight * rule.factor * 100) / 100;
        f.signal.modality = 'addressed';
      }
    }
    prevGoverning = governing;
    prevHead = head;
  }
}

/** Tokens before a cooperative signal searched for the verb that rejects or halts it. */
export const REVERSAL_BACK = 8;
/** Tokens after (and before) a withdrawal searched for what is withdrawn ("withdrew [its weapons] inspectors"). */
export const RECAST_AHEAD = 5;
export const RECAST_BACK = 3;
/** Tokens between a reversed signal and the next cooperative one that it carries along ("offer [of a] ceasefire"). */
export const CHAIN_GAP = 3;
/** Tokens between a reversing phrase ending in a topic word ("impact on") and the signal it reverses. */
const TOPICAL_GAP = 3;

/**
 * A rejecting or halting verb before token s in its clause ("rejected [the] offer of"), unless
 * the verb belongs to an escalation phrase that already says what was halted ("recalled its
 * ambassador [for consultations]", "suspended talks").
 */
function reversedBy(p: Prepared, s: number, found: FoundSignal[], index: number): number {
  const { tokens, cueFlags } = p;
  const sent = tokens[s]!.sentence;
  for (let k = s - 1; k >= 0 && k >= s - REVERSAL_BACK; k--) {
    const f = cueFlags[k]!;
    if (tokens[k]!.sentence !== sent) return -1;
    if ((f & CUE_REVERSAL) !== 0) {
      if (negatedVerb(p, k) && !opensNegatedReversal(p, k)) return -1; // "did not obstruct the talks", not "no progress"
      for (let j = index - 1; j >= 0 && found[j]!.endToken > k - 4; j--) {
        const g = found[j]!;
        if (g.startToken <= k && k < g.endToken) {
          const c = g.entry.category;
          return c.reverses || c.polarity !== 'escalation' || c.kind === 'vocabulary' ? k : -1;
        }
      }
      return k;
    }
    if ((f & (CUE_CLAUSE_BREAK | CUE_NEGATION_SCOPE_BREAK)) !== 0) return -1;
  }
  return -1;
}

/** Tokens before a reversing verb searched for a negation of the verb itself ("did not [walk out of]"). */
const NEGATED_VERB_BACK = 4;

/** The reversing verb at token k is negated by a plain negation ("will not undermine", "never obstructed"). */
function negatedVerb(p: Prepared, k: number): boolean {
  const { cueFlags, clause } = p;
  for (let q = k - 1; q >= 0 && q >= k - NEGATED_VERB_BACK; q--) {
    const f = cueFlags[q]!;
    if (clause[q] !== clause[k] || (f & CUE_NEGATION_SCOPE_BREAK) !== 0) return false;
    if ((f & CUE_NEGATION) !== 0) return (f & CUE_REVERSAL) === 0;
  }
  return false;
}

/**
 * The reversing word at token k is (or ends) a rejection or accusation already counted as a
 * signal ("*violations of* human rights", "*rejected* cooperation"): the value it reverses is
 * not a second act, so it keeps `calibration.reversal` of its weight without the floor.
 */
function countedReversal(found: FoundSignal[], index: number, k: number): boolean {
  for (let j = index - 1; j >= 0 && found[j]!.endToken > k - 4; j--) {
    const c = found[j]!.category;
    if (found[j]!.startToken <= k && c.reverses && c.kind !== 'vocabulary') return true;
  }
  return false;
}

/**
 * What a withdrawal acts on is cooperation: a cooperative presence ("monitors", "inspectors",
 * "peacekeepers", "ambassador") or a cooperative signal ("from the treaty", "from the talks")
 * right after it, or a cooperative presence as its subject ("the observers withdrew"), before
 * any armed force ("withdrew its troops").
 */
function actsOnCooperation(p: Prepared, f: FoundSignal, found: FoundSignal[], index: number): boolean {
  const { tokens, cueFlags, clause } = p;
  const cs = clause[f.startToken]!;
  let next = index + 1;
  const stop = Math.min(tokens.length, f.endToken + RECAST_AHEAD);
  for (let k = f.endToken; k < stop; k++) {
    if (clause[k] !== cs) break;
    while (next < found.length && found[next]!.startToken < k) next++;
    if ((cueFlags[k]! & CUE_ARMED) !== 0) return false;
    if ((cueFlags[k]! & CUE_COOP_PRESENCE) !== 0) return true;
    if (next < found.length && found[next]!.startToken === k && found[next]!.category.polarity === 'deescalation') return true;
  }
  for (let k = f.startToken - 1; k >= 0 && k >= f.startToken - RECAST_BACK; k--) {
    if (clause[k] !== cs) break;
    if ((cueFlags[k]! & CUE_ARMED) !== 0) return false;
    if ((cueFlags[k]! & CUE_COOP_PRESENCE) !== 0) return true;
  }
  return false;
}

/** Re-reads a signal as another category (same modality, same lead and intensity). */
function recast(lex: CompiledLexicon, f: FoundSignal, to: Category): void {
  const m = f.signal.modality;
  const rule = m === 'asserted' ? null : lex.modality[m][to.modalityClass];
  f.base = f.entry.weight > 0 ? (f.base * to.weight) / f.entry.weight : to.weight;
  f.category = to;
  f.signal.category = to.id;
  f.signal.weight = round2(f.base * (rule === null ? 1 : rule.factor));
  f.signal.polarity = rule !== null && rule.flip ? (to.polarity === 'escalation' ? 'deescalation' : 'escalation') : to.polarity;
}

/**
 * Rejecting, refusing, ridiculing, halting or breaking something cooperative is conflict: a
 * cooperative signal after a reversal verb (`cues.reversal`) in its clause ("rejected the
 * offer of a ceasefire", "suspended aid", "violated the truce") counts as escalation
 * (modality `negated`, `calibration.reversal` times its weight). A withdrawal whose object or
 * subject is cooperation ("withdrew its inspectors", "pulled out of the talks") becomes its
 * category's `recastAs` (halting cooperation); withdrawing troops stays de-escalation.
 */
export function markReversals(lex: CompiledLexicon, p: Prepared, found: FoundSignal[]): void {
  let lastReversed = -1; // index of the last signal reversed: what it rejects goes on ("an offer of a ceasefire")
  for (let i = 0; i < found.length; i++) {
    const f = found[i]!;
    const c = f.category;
    // only a verb of removal ("withdrew", "pulled", "recalled"), not "handed over relief supplies"
    if (c.recastAs !== null && (p.cueFlags[f.startToken]! & CUE_REVERSAL) !== 0 && actsOnCooperation(p, f, found, i)) {
      recast(lex, f, c.recastAs);
      continue;
    }
    if (c.polarity !== 'deescalation') continue;
    const m = f.signal.modality;
    // read as a topic by the last word of the reversing phrase itself: "a detrimental impact on [the talks]"
    const topical = m === 'addressed';
    const hedged = (m === 'hedged' || m === 'conditional');
    if (m !== 'asserted' && m !== 'negated' && m !== 'intended' && !topical && !hedged) continue;
    const prev = lastReversed >= 0 ? found[lastReversed]! : null;
    const chained = prev !== null && f.startToken - prev.endToken <= CHAIN_GAP && p.clause[prev.endToken - 1] === p.clause[f.startToken];
    const at = chained ? -1 : reversedBy(p, f.startToken, found, i);
    if (!chained && at < 0) continue;
    if (topical && !chained && ((p.cueFlags[at]! & CUE_TOPIC) === 0 || f.startToken - at > TOPICAL_GAP)) continue;
    lastReversed = i;
    f.signal.polarity = 'escalation';
    f.signal.modality = 'negated';
    // rejecting anything cooperative is at least a plain rejection ("rebuffed the peace proposal")
    const w = f.base * lex.calibration.reversal;
    const counted = at >= 0 && f.category.kind === 'vocabulary' && countedReversal(found, i, at);
    f.signal.weight = round2((chained || counted ? w : Math.max(w, lex.calibration.reversalFloor)) * (hedged ? lex.modality[m as 'hedged'][f.category.modalityClass].factor : 1));
    if (hedged) f.signal.modality = m;
  }
}
