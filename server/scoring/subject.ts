// The acting party named as the grammatical subject of an event ("China staged large-scale
// military drills around Taiwan") and the target of an action aimed at a place or party
// ("drills around Taiwan", "warships off the coast of Taiwan", "exercises targeting Japan").

import {
  CUE_AIM as _CUE_AIM,
  CUE_CLAUSE_BREAK as _CUE_CLAUSE_BREAK,
  CUE_DETERMINER as _CUE_DETERMINER,
  CUE_SPEECH as _CUE_SPEECH,
} from './lexicon.ts';
import type { FoundSignal } from './analyse.ts';
import type { Mention } from './actors.ts';
import type { Prepared } from './prepare.ts';
import { PUNCT as _PUNCT } from './tokenize.ts';

// Imported constants copied into module scope (the TypeScript loader makes imports getters).
const CUE_AIM = _CUE_AIM;
const CUE_CLAUSE_BREAK = _CUE_CLAUSE_BREAK;
const CUE_DETERMINER = _CUE_DETERMINER;
const CUE_SPEECH = _CUE_SPEECH;
const PUNCT = _PUNCT;

/** Tokens between the subject and the first word of its event ("China [staged large-scale] military drills"). */
export const SUBJECT_REACH = 5;
/** Tokens after an event searched for an aim preposition ("drills [held] around Taiwan"). */
export const AIM_REACH = 4;
/** Tokens after the aim preposition searched for the actor ("near [the border with] Ukraine"). */
export const AIM_TARGET_REACH = 4;

/**
 * The actor that opens its clause (after determiners only: "The US", "China") and is followed
 * in the same clause, within SUBJECT_REACH tokens and with no other actor or speech verb in
 * between, by a taxonomy signal that is not conditional: the acting party of that event.
 */
export function findSubject(p: Prepared, mentions: Mention[], signalAt: Int32Array, signals: FoundSignal[]): string | null {
  const { tokens, cueFlags, clause } = p;
  const n = tokens.length;
  for (let mi = 0; mi < mentions.length; mi++) {
    const m = mentions[mi]!;
    let b = m.start - 1;
    while (b >= 0 && (cueFlags[b]! & CUE_DETERMINER) !== 0 && clause[b] === clause[m.start]) b--;
    const opens = b < 0 || tokens[b]!.sentence !== tokens[m.start]!.sentence || tokens[b]!.kind === PUNCT;
    if (!opens) continue;
    const next = mi + 1 < mentions.length ? mentions[mi + 1]!.start : n;
    const stop = Math.min(n, m.end + SUBJECT_REACH + 1, next);
    for (let k = m.end; k < stop; k++) {
      if (clause[k] !== clause[m.start]) break;
      const si = signalAt[k]!;
      if (si >= 0) {
        if (signals[si]!.conditionalAt < 0 && signals[si]!.signal.modality !== 'conditional') return m.actor;
        break;
      }
      if ((cueFlags[k]! & (CUE_SPEECH | CUE_CLAUSE_BREAK)) !== 0) break;
    }
  }
  return null;
}

/**
 * "drills around Taiwan", "warships off the coast of Taiwan", "exercises targeting Japan":
 * an aim preposition (`cues.aimPreposition`) right after an escalation signal, then an actor.
 */
export function aimedTarget(p: Prepared, s: FoundSignal, mentionAt: Int32Array, mentions: Mention[], exclude: string | null): string | null {
  const { tokens, cueFlags, clause } = p;
  const n = tokens.length;
  const cs = clause[s.endToken - 1]!;
  const stop = Math.min(n, s.endToken + AIM_REACH);
  for (let k = s.endToken; k < stop; k++) {
    if (clause[k] !== cs || mentionAt[k]! >= 0) return null;
    if ((cueFlags[k]! & CUE_AIM) === 0) continue;
    const end = Math.min(n, k + 1 + AIM_TARGET_REACH);
    for (let j = k + 1; j < end; j++) {
      const mi = mentionAt[j]!;
      if (mi >= 0) {
        const actor = mentions[mi]!.actor;
        return actor === exclude ? null : actor;
      }
      if (tokens[j]!.kind === PUNCT || (cueFlags[j]! & CUE_CLAUSE_BREAK) !== 0) return null;
    }
    return null;
  }
  return null;
}
