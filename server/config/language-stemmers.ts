// The stemmers of the languages the scorer reads besides English: the Snowball-style stemmers
// of @nlpjs/lang-{ru,uk,es,fr,ar}, injected into server/scoring (which imports no package).
// Each is a class with a `stemWord(word)` method; one instance per language (they keep state
// between calls, so an instance serves one thread).

// The stemmer modules themselves, not the packages' entries (which load tokenizers, stop
// words and sentiment data as well). Their types are in nlpjs-stemmers.d.ts.
import StemmerRu from '@nlpjs/lang-ru/src/stemmer-ru.js';
import StemmerUk from '@nlpjs/lang-uk/src/stemmer-uk.js';
import StemmerEs from '@nlpjs/lang-es/src/stemmer-es.js';
import StemmerFr from '@nlpjs/lang-fr/src/stemmer-fr.js';
import StemmerAr from '@nlpjs/lang-ar/src/stemmer-ar.js';
import type { LanguageCode, Stemmer } from '../scoring/languages/language-profiles.ts';

interface StemWord {
  stemWord(word: string): string;
}

function wrap(s: StemWord): Stemmer {
  return (w) => {
    const out = s.stemWord(w);
    return typeof out === 'string' && out !== '' ? out : w;
  };
}

/** The stemmer of `code`, or null for a language read without one (Chinese). */
export function stemmerFor(code: LanguageCode): Stemmer | null {
  switch (code) {
    case 'ru':
      return wrap(new StemmerRu() as StemWord);
    case 'uk':
      return wrap(new StemmerUk() as StemWord);
    case 'es':
      return wrap(new StemmerEs() as StemWord);
    case 'fr':
      return wrap(new StemmerFr() as StemWord);
    case 'ar':
      return wrap(new StemmerAr() as StemWord);
    case 'zh':
      return null;
  }
}
