// The public types of the scorer (re-exported by index.ts).

export type Polarity = 'escalation' | 'deescalation';
/**
 * How the text frames a signal. 'past' means a historical or backgrounded reference ("in
 * 1962", "after the fighting"), not an ordinary report of recent events, which is 'asserted'.
 * 'intended' (an addition to the original contract) marks an event announced, planned or
 * threatened rather than reported: "will strike", "plans to withdraw". 'addressed' (also an
 * addition) marks a signal that is the object of an opposite action: "aid for displaced
 * families", "an attack on an aid convoy".
 */
export type Modality = 'asserted' | 'negated' | 'denied' | 'conditional' | 'hedged' | 'question' | 'past' | 'intended' | 'addressed';
export type Level = 'calm' | 'low' | 'elevated' | 'high' | 'severe';

export interface Signal {
  category: string;
  /** Effective direction after modality (a negated threat counts as reassurance). */
  polarity: Polarity;
  /** Effective contribution after modality and intensity (>= 0). */
  weight: number;
  modality: Modality;
  /** text === input.slice(start, end) */
  text: string;
  /** UTF-16 offsets into the input text. */
  start: number;
  end: number;
}

export interface ActorsFound {
  speaker: string | null;
  /**
   * The institution or office through which the speaker speaks, when one is named (an addition
   * to the contract, present only then): "Russian Foreign Ministry" gives speaker "Russia" and
   * speakerInstitution "foreign ministry"; "Russia's defence ministry said" gives "defence ministry".
   */
  speakerInstitution?: string;
  targets: string[];
  mentioned: string[];
}

export interface ScoreResult {
  /** 0-100, one decimal; higher is more escalatory. Text with no signals scores the baseline. */
  score: number;
  level: Level;
  signals: Signal[];
  actors: ActorsFound;
  version: string;
  /**
   * The language the text was read in (an addition: present when the scorer reads more than
   * English). `mixed` lists the other writing systems that hold a large share of its letters:
   * the text was scored by its main language only.
   */
  language?: { lang: string; mixed?: string[] };
}

export interface ScoreOptions {
  /** Who made the statement, if known (alias or canonical name). */
  speaker?: string | null;
  /**
   * The statement's language (ISO 639-1, as decided by the ingest language gate). A scorer that
   * reads several languages reads the text in that one; absent or 'und', it guesses from the
   * script (server/scoring/languages/multilingual-scorer.ts).
   */
  lang?: string | null;
}

export interface Scorer {
  readonly version: string;
  score(text: string, options?: ScoreOptions): ScoreResult;
  /** Canonical actor for a name or alias ("Kremlin" -> "Russia"), or null. */
  resolveActor(name: string): string | null;
  /** ISO 639-1 codes of the languages it reads (absent: English only). */
  readonly languages?: readonly string[];
  /**
   * The words that begin an alias of its gazetteer, keyed as aliases are (stems in inflected
   * languages): a name in a text holds one of them. Lets a search for names skip the words
   * where none can be (server/scoring/languages/context-spans.ts). Absent: not known.
   */
  readonly aliasStarts?: ReadonlySet<string>;
}
