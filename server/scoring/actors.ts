// Actor mentions (gazetteer lookup) and who-speaks / who-is-targeted heuristics.

import type { ActorsFound } from './types.ts';
import {
  CUE_CLAUSE_BREAK as _CUE_CLAUSE_BREAK,
  CUE_DETERMINER as _CUE_DETERMINER,
  CUE_DIRECTED as _CUE_DIRECTED,
  CUE_SPEAKER_SKIP as _CUE_SPEAKER_SKIP,
  CUE_SPEECH as _CUE_SPEECH,
  type CompiledLexicon,
} from './lexicon.ts';
import type { FoundSignal } from './analyse.ts';
import { WORD_ACTOR as _WORD_ACTOR, type Prepared } from './prepare.ts';
import { PUNCT as _PUNCT, type Token } from './tokenize.ts';
import { childOf as _childOf } from './phrase-trie.ts';
import { aimedTarget, findSubject } from './subject.ts';
import { MAX_NAME_CHARS, resolveName } from './resolve-name.ts';
import { institutionEnd, institutionInText, institutionStartBefore } from './institutions-in-text.ts';

// Imported constants copied into module scope: the TypeScript loader turns imported
// bindings into getters, which would otherwise be called on every token.
const PUNCT = _PUNCT;
const childOf = _childOf;
const CUE_CLAUSE_BREAK = _CUE_CLAUSE_BREAK;
const CUE_DETERMINER = _CUE_DETERMINER;
const CUE_DIRECTED = _CUE_DIRECTED;
const CUE_SPEAKER_SKIP = _CUE_SPEAKER_SKIP;
const CUE_SPEECH = _CUE_SPEECH;
const WORD_ACTOR = _WORD_ACTOR;

export interface Mention {
  actor: string;
  start: number; // token index
  end: number; // token index after the mention
}

/** Tokens between an actor and its speech verb ("Russia's foreign ministry spokeswoman said"). */
const SPEAKER_REACH = 7;
/** Tokens after a directed verb or a targeted signal searched for the target. */
const TARGET_REACH = 5;
/** Tokens after the name in an "according to X" source searched for the rest of its institution. */
const SOURCE_TAIL = 6;

export function findMentions(lex: CompiledLexicon, p: Prepared, text: string): Mention[] {
  const { tokens, wordFlags } = p;
  const mentions: Mention[] = [];
  const n = tokens.length;
  let i = 0;
  while (i < n) {
    let node = (wordFlags[i]! & WORD_ACTOR) !== 0 ? p.words[i]!.actor : undefined;
    if (node === undefined) {
      i++;
      continue;
    }
    let best: Mention | null = null;
    let j = i;
    while (node !== undefined) {
      if (node.entry !== null) {
        // a case-sensitive alias is compared with the original spelling, in place
        const from = tokens[i]!.start;
        const to = tokens[j]!.end;
        for (const e of node.entry) {
          if (e.caseSensitive === null || spelledAs(text, from, to, e.caseSensitive)) {
            best = { actor: e.actor, start: i, end: j + 1 };
            break;
          }
        }
      }
      if (node.next === null || j + 1 >= n) break;
      j++;
      node = childOf(node, p.words[j]!.lowerKey);
    }
    if (best === null) {
      i++;
      continue;
    }
    mentions.push(best);
    i = best.end;
  }
  return mentions;
}

/** Whether `text[from, to)` is `s` (no substring made). */
function spelledAs(text: string, from: number, to: number, s: string): boolean {
  if (to - from !== s.length) return false;
  for (let k = 0; k < s.length; k++) if (text.charCodeAt(from + k) !== s.charCodeAt(k)) return false;
  return true;
}

function isCapitalised(text: string, t: Token): boolean {
  const c = text.charCodeAt(t.start);
  return c >= 65 && c <= 90;
}

interface SpeakerFound {
  actor: string;
  verb: number; // token index of the speech verb, -1 if none
  mentionStart: number; // first token of the actor's mention
  until: number; // the speech verb or the act after the mention (the institution is read up to it)
  mentionEnd: number; // token after the actor's mention
}

/** The institution words between a speaker and its verb ("Russia's *foreign ministry* said"). */
function institutionBetween(lex: CompiledLexicon, p: Prepared, from: number, to: number): string | null {
  let out: string | null = null;
  for (let k = from; k < to; k++) {
    const w = p.tokens[k]!.lower;
    if (lex.institutionWords.has(w)) out = out === null ? w : out + ' ' + w;
  }
  return out;
}




/**
 * Tokens up to `b` are the head of a reporting clause that opens its sentence or clause with a
 * lead word of the language and holds a speech cue ("Как заявил", "По словам", "Как заявили в",
 * "Comme l'a déclaré"): at most 4 words, back from `b`.
 */
function reportingClause(lex: CompiledLexicon, p: Prepared, b: number): boolean {
  if (lex.reportingLead.size === 0) return false;
  let speech = false;
  for (let k = b; k >= 0 && k >= b - 3; k--) {
    const t = p.tokens[k]!;
    if (t.kind === PUNCT) return false;
    if ((p.cueFlags[k]! & CUE_SPEECH) !== 0) speech = true;
    if (lex.reportingLead.has(t.lower) && (k === 0 || p.tokens[k - 1]!.kind === PUNCT)) return speech;
  }
  return false;
}

/** The first punctuation token at or after `from`, at most `SOURCE_TAIL` tokens on: the end of an "according to X" source. */
function clauseEnd(p: Prepared, from: number): number {
  const stop = Math.min(p.tokens.length, from + SOURCE_TAIL);
  for (let k = from; k < stop; k++) if (p.tokens[k]!.kind === PUNCT) return k;
  return stop;
}

function findSpeaker(
  lex: CompiledLexicon,
  p: Prepared,
  mentions: Mention[],
  mentionAt: Int32Array,
  signalAt: Int32Array,
  signals: FoundSignal[],
): SpeakerFound | null {
  const { tokens, cueFlags } = p;
  const n = tokens.length;
  let agent: SpeakerFound | null = null;
  for (const m of mentions) {
    // "X said", "X's foreign ministry warned", "X President Y told"
    for (let k = m.end, steps = 0; k < n && steps <= SPEAKER_REACH; k++, steps++) {
      const t = tokens[k]!;
      const f = cueFlags[k]!;
      if ((f & CUE_SPEECH) !== 0) return { actor: m.actor, verb: k, mentionStart: m.start, mentionEnd: m.end, until: k };
      if (agent === null && signalAt[k]! >= 0 && signals[signalAt[k]!]!.category.hasTarget && signals[signalAt[k]!]!.conditionalAt < 0) {
        agent = { actor: m.actor, verb: -1, mentionStart: m.start, mentionEnd: m.end, until: k };
      }
      if (t.kind === PUNCT) break;
      const skippable =
        (f & (CUE_SPEAKER_SKIP | CUE_DETERMINER)) !== 0 || t.lower === "'s" || mentionAt[k]! >= 0 || isCapitalised(p.text, t) ||
        lex.institutionWords.has(t.lower); // "Kenyan police said"
      if (!skippable) {
        // "Россия [Министерство обороны] заявило", "俄罗斯[外交部发言人]表示": an institution phrase
        const e = lex.institutions === null ? -1 : institutionEnd(lex, lex.institutions, p, k);
        if (e < 0) break;
        steps += e - 1 - k;
        k = e - 1;
      }
    }
    // "according to X", ", said X"
    // "قالت [وزارة الخارجية] الروسية", "заявил [МИД] Китая": back over an institution phrase
    const phraseStart = lex.institutions === null ? m.start : institutionStartBefore(lex, lex.institutions, p, m.start);
    let b = phraseStart - 1;
    if (b >= 0 && (cueFlags[b]! & CUE_DETERMINER) !== 0) b--;
    // the institution may follow the name up to the clause's end ("Selon le ministère chinois des Affaires étrangères, ...")
    if (b >= 1 && tokens[b]!.lower === 'to' && tokens[b - 1]!.lower === 'according') return { actor: m.actor, verb: -1, mentionStart: m.start, mentionEnd: m.end, until: clauseEnd(p, m.end) };
    if (b >= 0 && (((cueFlags[b]! & CUE_SPEECH) !== 0 && (b === 0 || tokens[b - 1]!.kind === PUNCT)) || reportingClause(lex, p, b))) {
      return { actor: m.actor, verb: -1, mentionStart: m.start, mentionEnd: m.end, until: clauseEnd(p, m.end) };
    }
  }
  return agent;
}

function firstMentionAfter(p: Prepared, from: number, mentionAt: Int32Array, mentions: Mention[], exclude: string | null): string | null {
  const { tokens, cueFlags } = p;
  const stop = Math.min(tokens.length, from + TARGET_REACH);
  for (let k = from; k < stop; k++) {
    const mi = mentionAt[k]!;
    if (mi >= 0) {
      const actor = mentions[mi]!.actor;
      if (actor !== exclude) return actor;
      k = mentions[mi]!.end - 1;
      continue;
    }
    const t = tokens[k]!;
    if (t.kind === PUNCT || (cueFlags[k]! & (CUE_CLAUSE_BREAK | CUE_SPEECH)) !== 0) return null;
  }
  return null;
}

function addTarget(targets: string[], speaker: string | null, actor: string | null): void {
  if (actor !== null && actor !== speaker && !targets.includes(actor)) targets.push(actor);
}

export function resolveActors(
  lex: CompiledLexicon,
  p: Prepared,
  mentions: Mention[],
  signals: FoundSignal[],
  speakerHint: string | null | undefined,
): ActorsFound {
  let speaker: string | null = null;
  let institution: string | null = null;
  if (typeof speakerHint === 'string' && speakerHint.trim() !== '') {
    // "Russian Foreign Ministry" is Russia (institution "foreign ministry"); an unknown hint is kept
    const resolved = resolveName(lex, speakerHint);
    speaker = resolved?.actor ?? speakerHint.trim().slice(0, MAX_NAME_CHARS);
    institution = resolved?.institution ?? null;
  }
  if (mentions.length === 0) return withInstitution({ speaker, targets: [], mentioned: [] }, institution);

  const n = p.tokens.length;
  const { mentionAt, signalAt } = p.scratch;
  for (let k = 0; k < n; k++) {
    mentionAt[k] = -1; // a loop: cheaper than two fill() calls on short statements
    signalAt[k] = -1;
  }
  for (let idx = 0; idx < mentions.length; idx++) {
    const m = mentions[idx]!;
    for (let k = m.start; k < m.end; k++) mentionAt[k] = idx;
  }
  for (let idx = 0; idx < signals.length; idx++) {
    const s = signals[idx]!;
    if (s.category.kind !== 'vocabulary') signalAt[s.startToken] = idx;
  }
  let verb = -1;
  const found = findSpeaker(lex, p, mentions, mentionAt, signalAt, signals);
  if (found !== null) {
    if (speaker === null) {
      speaker = found.actor;
      if (lex.institutions !== null) institution = institutionInText(lex, lex.institutions, p, found);
      else if (found.verb >= 0) institution = institutionBetween(lex, p, found.mentionEnd, found.verb);
    }
    if (found.actor === speaker) verb = found.verb;
  } else if (speaker === null) {
    // "China staged large-scale military drills around Taiwan": the subject of the event
    speaker = findSubject(p, mentions, signalAt, signals);
  }

  const targets: string[] = [];
  // "Russia warned NATO", "X accused Y of ..."
  if (verb >= 0 && (p.cueFlags[verb]! & CUE_DIRECTED) !== 0) addTarget(targets, speaker, firstMentionAfter(p, verb + 1, mentionAt, mentions, speaker));
  for (const s of signals) {
    if (s.signal.polarity !== 'escalation' || s.category.kind === 'vocabulary') continue;
    if (!s.category.hasTarget) {
      // "drills around Taiwan", "warships off the coast of Japan"
      addTarget(targets, speaker, aimedTarget(p, s, mentionAt, mentions, speaker));
      continue;
    }
    // "expelled two British diplomats": an actor passed over inside the phrase
    for (let k = s.startToken + 1; k < s.endToken; k++) {
      if (mentionAt[k]! >= 0 && mentions[mentionAt[k]!]!.actor !== speaker) {
        addTarget(targets, speaker, mentions[mentionAt[k]!]!.actor);
        break;
      }
    }
    // "strikes on X", "sanctions against X", "threatened X"
    addTarget(targets, speaker, firstMentionAfter(p, s.endToken, mentionAt, mentions, speaker));
    // "if NATO troops appear ..., they will be targeted": the actor of the condition
    if (s.conditionalAt >= 0) {
      for (let k = s.conditionalAt + 1; k < s.startToken; k++) {
        const mi = mentionAt[k]!;
        if (mi >= 0 && mentions[mi]!.actor !== speaker) {
          addTarget(targets, speaker, mentions[mi]!.actor);
          break;
        }
      }
    }
  }
  // "Russia said the US had crossed a red line": the other actor in the reported clause.
  if (targets.length === 0 && verb >= 0) {
    const sent = p.tokens[verb]!.sentence;
    const threatened = signals.some(
      (s) => s.startToken > verb && s.signal.polarity === 'escalation' && s.category.hasTarget && p.tokens[s.startToken]!.sentence === sent,
    );
    if (threatened) {
      const m = mentions.find((x) => x.start > verb && x.actor !== speaker && p.tokens[x.start]!.sentence === sent);
      if (m !== undefined) addTarget(targets, speaker, m.actor);
    }
  }
  const mentioned: string[] = [];
  for (const m of mentions) if (!mentioned.includes(m.actor)) mentioned.push(m.actor);
  return withInstitution({ speaker, targets, mentioned }, institution);
}

/** Adds `speakerInstitution` only when there is one (results without it keep their shape). */
function withInstitution(a: ActorsFound, institution: string | null): ActorsFound {
  if (institution !== null && a.speaker !== null) a.speakerInstitution = institution;
  return a;
}
