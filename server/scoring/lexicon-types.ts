// The shapes of a compiled lexicon and the cue flags the analysis reads; lexicon.ts validates
// the data files and compiles them into these.

import type { InstitutionNames } from './institutions.ts';
import type { Polarity } from './types.ts';
import type { TrieNode } from './phrase-trie.ts';
import type { TokenSink, Tokenized } from './tokenize.ts';
import type { LabelCues } from './label-only.ts';
import type { CounterCues } from './countered.ts';

export type CategoryKind = 'rhetoric' | 'event' | 'vocabulary' | 'shield';
export type ModalityClass = 'escalation-rhetoric' | 'escalation-event' | 'deescalation' | 'vocabulary';
export const MODALITY_CLASSES: readonly ModalityClass[] = ['escalation-rhetoric', 'escalation-event', 'deescalation', 'vocabulary'];
export const RULED_MODALITIES = ['negated', 'denied', 'conditional', 'hedged', 'question', 'past', 'intended', 'addressed'] as const;
export type RuledModality = (typeof RULED_MODALITIES)[number];

export interface Category {
  id: string;
  /** Position in taxonomy.categories (dense, for per-call counters). */
  index: number;
  label: string;
  polarity: Polarity;
  kind: CategoryKind;
  weight: number;
  modalityClass: ModalityClass;
  /** Casualty-style categories grow with a nearby number ("killed 40"). */
  scalesWithNumbers: boolean;
  /** The actor after the signal ("strikes on X", "sanctions against X") is its target. */
  hasTarget: boolean;
  /** Whether a signal of this category makes the next opposite signal 'addressed' (actions do; "troops", "peacekeepers" do not). */
  governs: boolean;
  /** Whether cue words inside this signal ("no plans") still scope over the signals after it. */
  scopesOver: boolean;
  /** A signal of this category is the violent context that a bare death word needs ("killed in an attack"). */
  violentContext: boolean;
  /**
   * A resolving event (a release, a surrender, an easing, a truce): the violent words of its
   * sentence describe what is being resolved ("gunmen released the priests they had kidnapped").
   */
  resolves: boolean;
  /**
   * The category a signal of this one becomes when what it acts on is cooperation rather than
   * force ("withdrew its monitors", "pulled out of the talks"); null for most categories.
   */
  recastAs: Category | null;
  /** A rejection whose object follows it: the cooperative signals after it are rejected ("vetoed the proposal for a prisoner exchange"). */
  reverses: boolean;
  /** A demand: the cooperative signals it asks for do not calm (`calibration.claimed` of their weight). */
  claims: boolean;
}

export interface PhraseEntry {
  category: Category;
  weight: number;
  /**
   * For words of death and mourning that are escalation only in a violent context ("died",
   * "killed", "mourned"; `cues.needsViolentContext`): the factor kept when the statement gives
   * no cause at all. 0 for every other phrase.
   */
  bareFactor: number;
  /**
   * Ids of the stems that give the phrase another, non-conflict sense when one of them is near
   * it in the sentence (`cues.otherSense`: "strike" near "workers", "fired" near "coach"); null
   * for most phrases.
   */
  otherSense: Set<number> | null;
}

export interface ModalityRule {
  factor: number;
  flip: boolean;
}

export interface Calibration {
  baseline: number;
  /** Log-odds per unit of net escalation up to `knee`. */
  slope: number;
  /** Net escalation where the curve steepens to `upperSlope` (one clear severe act reaches "high"). */
  knee: number;
  upperSlope: number;
  deescalationFactor: number;
  decay: number;
  leadBoost: number;
  leadTokens: number;
  repeatDecay: number;
  /** Background conflict words at least this heavy (relative weight) are a violent context. */
  violentVocabulary: number;
  /** Factor of a cooperative signal turned into conflict by a rejection or halt ("rejected the ceasefire"). */
  reversal: number;
  /** Least weight of a cooperative signal rejected or halted (not one carried along in a chain). */
  reversalFloor: number;
  /** Factor of a cooperative signal that is only demanded ("demanded a truce"). */
  claimed: number;
  /** Weight of armed forces moving ("troops crossed the river", "warships entered the strait"). */
  forceMovement: number;
  /** Factor a threat keeps when what is threatened is not force ("threatened to resign"; threat-object.ts). */
  nonviolentThreat: number;
  /** Factor of a signal inside a concessive clause ("despite the ceasefire, ..."; concessive.ts). */
  concessive: number;
  /** Factor of a named agreement, treaty, plan or resolution, a reference rather than an act ("the Juba Peace Agreement"; named-reference.ts). */
  namedReference: number;
}

// Cue flags (bit mask per token; set on the last token of a cue phrase).
export const CUE_NEGATION = 1;
export const CUE_DENIAL = 2;
export const CUE_CONDITIONAL = 4;
export const CUE_HEDGE = 8;
export const CUE_HISTORICAL = 16;
export const CUE_INTENSIFIER = 32;
export const CUE_CLAUSE_BREAK = 64;
export const CUE_SPEECH = 128;
export const CUE_DIRECTED = 256;
export const CUE_SPEAKER_SKIP = 512;
export const CUE_TARGET_PREP = 1024;
export const CUE_DETERMINER = 2048;
export const CUE_IRREALIS = 4096;
export const CUE_AFTERMATH = 8192;
export const CUE_TOPIC = 16384;
export const CUE_NEGATION_AFTER = 32768;
export const CUE_NEGATION_SCOPE_BREAK = 65536;
/** Conditional only when it opens a sentence ("Should Washington deploy ..., Beijing will ..."). */
export const CUE_CONDITIONAL_WHEN_FIRST = 131072;
/** Set by the scorer (not a lexicon list) on the comma that closes a sentence-initial condition. */
export const CUE_LEAD_RESET = 262144;
/** A peaceful cause of death ("of cancer", "flood", "car crash"); its factor is CueEntry.deathFactor. */
export const CUE_PEACEFUL_DEATH = 524288;
/** Armed forces, police or fighters named in the sentence ("troops", "police"): killers or killed. */
export const CUE_ARMED = 1048576;
/** A quantifier between a verb and its object ("freed *40* prisoners", "*dozens of* detainees"): skippable in phrases. */
export const CUE_QUANTIFIER = 2097152;
/** A preposition aiming an action at a place or party ("drills *around* Taiwan", "*off the coast of*"). */
export const CUE_AIM = 4194304;
/** A generic determiner before a noun of aggression ("*any* incursion", "*every* attack"). */
export const CUE_GENERIC = 8388608;
/** A stated consequence after a generic subject ("will be met with", "would trigger"). */
export const CUE_CONSEQUENCE = 16777216;
/** A verb of warning ("warned [Kyiv] *against* an attack"): what is warned against is hypothetical. */
export const CUE_WARN = 33554432;
/** Rejecting, refusing, halting or breaking what follows ("rejected the offer of a ceasefire", "suspended aid"). */
export const CUE_REVERSAL = 67108864;
/** An act whose object is a topic ("a report on", "talks about", "an inquiry into", "declined to comment on"). */
export const CUE_TOPIC_HEAD = 134217728;
/** A cooperative presence that can be withdrawn ("monitors", "inspectors", "ambassador", "peacekeepers"). */
export const CUE_COOP_PRESENCE = 268435456;
/** Armed forces moving ("crossed", "entered", "rolled into"); marked on the first token. */
export const CUE_MOVEMENT = 536870912;
/** A contrast between clauses ("but", "while", "despite"): a resolving event does not reach across it. */
export const CUE_CONTRAST = 1073741824;
/**
 * A concessive clause opens ("despite", "in spite of", "although"): what it concedes is background
 * to the main clause (concessive.ts); marked on the first token. The last free bit.
 */
export const CUE_CONCESSIVE = 2147483648;
/** Flags marked on the first token of a cue phrase (the rest mark its last token). */
export const FIRST_TOKEN_FLAGS = CUE_SPEECH | CUE_DIRECTED | CUE_MOVEMENT | CUE_CONCESSIVE;

export interface CueEntry {
  flags: number;
  /** Intensifier factor (1 when not an intensifier). */
  factor: number;
  /** Number of tokens in the cue phrase. */
  length: number;
  /** Factor for death words near a peaceful cause of death (1 when not such a cue). */
  deathFactor: number;
}

export interface ActorEntry {
  actor: string;
  /** Exact original spelling required (all-caps acronyms such as "US", "UN"). */
  caseSensitive: string | null;
}

/**
 * How a language is read: its tokenizer and stemmer (server/scoring/languages/). English is the
 * default (tokenize.ts, stem.ts). `actorKey` maps a lower-cased word to the key actor aliases are
 * matched by: the word itself in English, its stem in inflected languages ("России" is "Россия").
 */
export interface LanguageProfile {
  code: string;
  stem: (lower: string) => string;
  tokenize: (text: string, sink?: TokenSink | null) => Tokenized;
  actorKey: (lower: string) => string;
  /**
   * Words are found by a segmenter (Chinese): a part of a text may be split into other words
   * than the same characters are in the whole text. Absent: each word is read alone.
   */
  unspaced?: boolean;
}

export interface CompiledLexicon {
  version: string;
  /** The language's stemmer, tokenizer and actor key (English unless a profile was given). */
  stem: (lower: string) => string;
  tokenize: (text: string, sink?: TokenSink | null) => Tokenized;
  actorKey: (lower: string) => string;
  /**
   * Id of every stem and word that is a trie key (the tries are keyed by these numbers); a
   * word of the text that is not here cannot start or continue any phrase.
   */
  keyIds: Map<string, number>;
  categories: Map<string, Category>;
  signals: TrieNode<PhraseEntry>;
  cues: TrieNode<CueEntry>;
  actors: TrieNode<ActorEntry[]>;
  actorNames: Map<string, string>; // lower-cased alias -> canonical
  /** Words whose stem the suffix stripper would get wrong ("according" is not "accord"). */
  stemExceptions: Map<string, string>;
  modality: Record<RuledModality, Record<ModalityClass, ModalityRule>>;
  calibration: Calibration;
  /** Lower-case words that name an institution or office of an actor (`cues.institution`: "ministry", "army", "president"). */
  institutionWords: Set<string>;
  /** First words of a reporting clause before its speech verb ("как" in "Как заявил МИД Китая"); empty in English. */
  reportingLead: Set<string>;
  /** Institution phrases of the language with their English label (`institutions.json`), or null (English). */
  institutions: InstitutionNames | null;
  /** The entry of cooperation halted without a phrase for it ("pulled its inspectors out", "recalled the ambassador"). */
  halting: PhraseEntry;
  /** The entry of armed forces moving (`calibration.forceMovement`, category mobilization-deployment). */
  movement: PhraseEntry;
  /** Verb forms of threatening (`cues.threatVerbs`; threat-object.ts). */
  threatVerbs: Set<string>;
  /** Auxiliaries of the passive (`cues.passiveAuxiliary`: "were [attacked]"; frames.ts). */
  passive: Set<string>;
  /** Verb forms of promising (`cues.promiseVerbs`: "promised [a decisive response]"; promise-object.ts). */
  promiseVerbs: Set<string>;
  /** Concessive words only when they open their clause (`cues.concessiveOpening`: "while"; concessive.ts). */
  concessiveOpening: Set<string>;
  /** Words after which a concessive opens a clause (`cues.concessiveLead`: "that", "and"; concessive.ts). */
  concessiveLead: Set<string>;
  /** Words that deny legitimacy only as a label (`cues.labelOnly`, `cues.labelling`; label-only.ts). */
  labels: LabelCues;
  /** Heads and passives of countering, words of protection, nouns of documents (`cues.counterHeads`, ...; countered.ts, named-reference.ts). */
  counter: CounterCues;
}
