// The reading of each language the scorer can be given data for: tokenizer, stemmer and how
// actor names are keyed. Stemmers are injected (server/config/language-stemmers.ts wraps the
// @nlpjs Snowball-style stemmers) so that scoring/ itself imports no package.

import { tokenize, type TokenSink, type Tokenized } from '../tokenize.ts';
import type { LanguageProfile } from '../lexicon-types.ts';
import { createSegmentTokenizer } from './segment-tokenize.ts';
import { arabicStemmer, tokenizeArabic } from './arabic.ts';

/** Languages other than English with a reading here (ISO 639-1). */
export const LANGUAGE_CODES = ['ru', 'uk', 'es', 'fr', 'ar', 'zh'] as const;
export type LanguageCode = (typeof LANGUAGE_CODES)[number];

export { SCRIPT_OF_LANGUAGE } from '../../shared/script-letters.ts';

export type Stemmer = (lowerWord: string) => string;

/** Memoised stemmer: a language's stemmer runs once per distinct word of its lexicon. */
function memo(f: Stemmer): Stemmer {
  const cache = new Map<string, string>();
  return (w) => {
    let s = cache.get(w);
    if (s === undefined) {
      s = f(w);
      if (cache.size > 20_000) cache.clear();
      cache.set(w, s);
    }
    return s;
  };
}

type Tokenizer = (input: string, sink?: TokenSink | null) => Tokenized;

/**
 * The tokenizer with a memo of its last text: the context finder (context-spans.ts) reads the
 * text the scorer has just read (Chinese segmentation, Intl.Segmenter, was more than half of a
 * Chinese statement's cost, paid twice; every language paid its tokenizing twice). A call with a sink on the remembered text replays
 * the tokens into it. Nothing downstream writes to a token, so the tokens are shared.
 */
export function rememberLast(f: Tokenizer): Tokenizer {
  let lastInput: string | null = null;
  let last: Tokenized | null = null;
  return (input, sink = null) => {
    if (input === lastInput && last !== null) {
      if (sink !== null) for (const t of last.tokens) sink.add(t.lower, t.kind);
      return last;
    }
    const out = f(input, sink);
    lastInput = input;
    last = out;
    return out;
  };
}

/** Elided articles and pronouns of French ("l'attaque", "d'une", "qu'il"): read as the word after them. */
const FRENCH_ELISION = /^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'(?=\p{L})/u;

/** Apostrophes of Ukrainian (м'який, об’єкт, зʼявитися) made one character. */
const APOSTROPHES = /[\u2019\u02bc\u0060\u00b4]/g;

/**
 * Verb endings the Ukrainian stemmer leaves (its output for "звинуватив" is "звинуват", for
 * "звинуватили" "звинуватил", for "атакують" "атакуют"): stripped after it, longest first, while
 * four letters stay, so the forms of one verb meet. Applied alike to lexicon and text.
 */
const UK_VERB_ENDINGS = ['ували', 'ювали', 'ував', 'ював', 'ува', 'юва', 'уют', 'юют', 'ают', 'яют', 'ить', 'ять', 'ать', 'ют', 'ут', 'ит', 'ят', 'ат', 'ил', 'ял', 'ал', 'ув', 'ю', 'л'];

/** Case endings of nouns in -ія it leaves ("Росії" gives "росі", "Росією" "росіє", "Росія" "рос"). */
const UK_NOUN_TAILS = ['іє', 'ії', 'і', 'ї', 'є'];

export function stripUkrainianEndings(stem: string): string {
  let s = stem;
  const tail = UK_NOUN_TAILS.find((e) => s.endsWith(e) && s.length - e.length >= 3);
  if (tail !== undefined) return s.slice(0, -tail.length);
  for (let round = 0; round < 2; round++) {
    const suffix = UK_VERB_ENDINGS.find((e) => s.endsWith(e) && s.length - e.length >= 4);
    if (suffix === undefined) break;
    s = s.slice(0, -suffix.length);
  }
  return s;
}

/**
 * Words of other scripts ("NATO" in Russian) stay as they are, and so do words of up to three
 * letters: function words ("не", "ні", "на", "із") are cues, and a stemmer cutting them to one
 * letter would make them meet.
 */
function onlyScript(re: RegExp, f: Stemmer): Stemmer {
  return (w) => (w.length > 3 && re.test(w) ? f(w) : w);
}

/**
 * The profile of `code` with its stemmer (a Snowball-style stemmer for ru, uk, es, fr; the
 * Arabic light stemmer's last step for ar; none for zh, whose words Intl.Segmenter finds).
 */
export function languageProfile(code: LanguageCode, stemmer: Stemmer | null): LanguageProfile {
  const base: Stemmer = stemmer ?? ((w) => w);
  switch (code) {
    case 'ru': {
      const stem = memo(onlyScript(/[\u0400-\u04ff]/, (w) => base(w.replace(/ё/g, 'е'))));
      return { code, stem, tokenize: rememberLast(tokenize), actorKey: stem };
    }
    case 'uk': {
      const stem = memo(onlyScript(/[\u0400-\u04ff]/, (w) => stripUkrainianEndings(base(w.replace(APOSTROPHES, "'")))));
      return { code, stem, tokenize: rememberLast(tokenize), actorKey: stem };
    }
    case 'es':
    case 'fr': {
      const elide = code === 'fr';
      const stem = memo((w) => {
        const word = elide ? w.replace(FRENCH_ELISION, '') : w;
        const s = base(word);
        return s === '' ? word : s;
      });
      return { code, stem, tokenize: rememberLast(tokenize), actorKey: stem };
    }
    case 'ar': {
      const stem = memo(onlyScript(/[\u0600-\u06ff]/, arabicStemmer(base)));
      return { code, stem, tokenize: rememberLast(tokenizeArabic), actorKey: stem };
    }
    case 'zh': {
      const identity: Stemmer = (w) => w;
      return { code, stem: identity, tokenize: rememberLast(createSegmentTokenizer('zh')), actorKey: identity, unspaced: true };
    }
  }
}
