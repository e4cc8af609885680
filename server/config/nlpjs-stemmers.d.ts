// Types for the @nlpjs stemmer modules (the packages ship none). Each module exports one class.
declare module '@nlpjs/lang-*' {
  class Stemmer {
    stemWord(word: string): string;
  }
  export = Stemmer;
}
