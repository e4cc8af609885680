// The stemmers of the languages the scorer reads besides English: the Snowball-style stemmers
// of @nlpjs/lang-{ru,uk,es,fr,ar}, injected into server/scoring (which imports no package).
// Each is a class with a `stemWord(word)` method; one instance per language (they keep state
// between calls, so an instance serves one thread).

// The stemmer modules themselves, not the packages' entries (which load tokenizers, stop
// words and sentiment data as well), each loaded when its language is first built: loading all
// five cost ~50 ms of CPU at every start, which a run on English text never uses (the score
// CLI builds the other languages lazily). The modules are CommonJS; their type is StemWord.
import { createRequire } from 'node:module';
import type { LanguageCode, Stemmer } from '../scoring/languages/language-profiles.ts';

interface StemWord {
  stemWord(word: string): string;
}

const require = createRequire(import.meta.url);
const load = (module: string): StemWord => new (require(module) as new () => StemWord)();

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
      return wrap(load('@nlpjs/lang-ru/src/stemmer-ru.js'));
    case 'uk':
      return wrap(load('@nlpjs/lang-uk/src/stemmer-uk.js'));
    case 'es':
      return wrap(load('@nlpjs/lang-es/src/stemmer-es.js'));
    case 'fr':
      return wrap(load('@nlpjs/lang-fr/src/stemmer-fr.js'));
    case 'ar':
      return wrap(load('@nlpjs/lang-ar/src/stemmer-ar.js'));
    case 'zh':
      return null;
  }
}
