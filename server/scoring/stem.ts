// A deliberately small suffix stripper applied identically to lexicon phrases and to text, so
// "threatened", "threatens" and "threatening" all meet "threaten". It is not a linguistic
// stemmer: it only has to be consistent on both sides. Irregular forms (struck, fought,
// withdrew) are listed in the lexicon instead.

function endsWith(w: string, suffix: string): boolean {
  return w.length > suffix.length && w.endsWith(suffix);
}

/**
 * British and alternative spellings mapped to one form before stripping, so that
 * "mobilisation"/"mobilization", "mobilise"/"mobilize", "defence"/"defense", "analyse"/"analyze",
 * "programme"/"program", "dialogue"/"dialog" and "centre"/"center" meet. Applied to lexicon and
 * text alike, so a harmless over-normalisation ("promise" -> "promize") costs nothing; only
 * words longer than five letters are touched ("rise", "wise", "fence" keep their spelling).
 */
function americanize(w: string): string {
  const len = w.length;
  if (len <= 5) return w;
  // -isation(s), -isational -> -ization...: the "s" sits right after "i" and before "ation"
  const at = w.indexOf('isation');
  if (at > 0) return w.slice(0, at) + 'iz' + w.slice(at + 2);
  // -ise, -ised, -ises, -ising, -iser(s) (and -yse, -ysed, ...): mobilise, analysed
  for (const [suffix, tail] of BRITISH_VERB_ENDINGS) {
    if (len > suffix.length + 2 && w.endsWith(suffix)) {
      // at least three letters before the i/y, so that every form of the word is changed
      // alike ("mobilise"/"mobilised"/"mobilising") and short verbs ("rise", "raise",
      // "arising") keep theirs
      const at = len - suffix.length - 1;
      const c = w.charCodeAt(at);
      if (at >= 3 && (c === 105 /* i */ || c === 121 /* y */)) return w.slice(0, len - suffix.length) + tail;
    }
  }
  if (w.endsWith('efence') || w.endsWith('ffence') || w.endsWith('efences') || w.endsWith('ffences')) {
    return w.slice(0, w.lastIndexOf('fence')) + 'fense' + w.slice(w.lastIndexOf('fence') + 5); // defence, offences
  }
  if (w.endsWith('licence') || w.endsWith('pretence') || w.endsWith('licences') || w.endsWith('pretences')) {
    return w.slice(0, w.lastIndexOf('ence')) + 'ense' + (w.endsWith('s') ? 's' : '');
  }
  if (w.endsWith('amme') || w.endsWith('ammes')) return w.replace('amme', 'am'); // programme
  if (w.endsWith('logue') || w.endsWith('logues')) return w.replace('logue', 'log'); // dialogue
  if (w.endsWith('tre') || w.endsWith('tres')) return w.slice(0, w.lastIndexOf('tre')) + 'ter' + (w.endsWith('s') ? 's' : ''); // centre
  // armour, rumoured, favourable, neighbourhood: "our" before a known ending, with three
  // letters before it at least, so "poured", "toured", "scoured" keep theirs
  const o = w.lastIndexOf('our');
  if (o >= 3 && OUR_TAILS.has(w.slice(o + 3))) return w.slice(0, o) + 'or' + w.slice(o + 3);
  return w;
}

const OUR_TAILS = new Set(['', 's', 'ed', 'ing', 'able', 'ably', 'ful', 'ite', 'ites', 'hood', 'er', 'ers', 'less', 'ism']);

// ending -> replacement, longest first; the letter before must be "i" or "y"
const BRITISH_VERB_ENDINGS: ReadonlyArray<readonly [string, string]> = [
  ['sing', 'zing'],
  ['sers', 'zers'],
  ['sed', 'zed'],
  ['ses', 'zes'],
  ['ser', 'zer'],
  ['se', 'ze'],
];

export function stem(word: string): string {
  let w = word.length > 5 ? americanize(word) : word;
  const len = w.length;
  if (len <= 3) return w;
  if (endsWith(w, 'eed') || endsWith(w, 'ees')) w = w.slice(0, -1); // agreed, agrees -> agree
  else if (len > 4 && endsWith(w, 'ies')) w = w.slice(0, -3) + 'y';
  else if (len > 4 && endsWith(w, 'ied')) w = w.slice(0, -3) + 'y';
  else if (len > 6 && endsWith(w, 'ings')) w = w.slice(0, -4); // bombings -> bomb(ing)
  else if (len > 5 && endsWith(w, 'ing')) w = w.slice(0, -3);
  else if (len > 4 && endsWith(w, 'ed')) w = w.slice(0, -2);
  else if (endsWith(w, 'es')) w = w.slice(0, -2);
  else if (w.charCodeAt(len - 1) === 115 /* s */) {
    const prev = w.charCodeAt(len - 2);
    // keep -ss, -us, -is (crisis, various, this), and possessive/abbreviation forms
    if (prev !== 115 && prev !== 117 && prev !== 105 && prev !== 39) w = w.slice(0, -1);
  }
  const l2 = w.length;
  if (l2 > 3 && w.charCodeAt(l2 - 1) === 101 /* e */ && w.charCodeAt(l2 - 2) !== 101) w = w.slice(0, -1);
  const l3 = w.length;
  if (l3 > 3) {
    const a = w.charCodeAt(l3 - 1);
    // undouble final consonant (stopped -> stopp -> stop) except l, s, z (shell, press)
    if (a === w.charCodeAt(l3 - 2) && a !== 108 && a !== 115 && a !== 122 && a !== 101 && a !== 111) w = w.slice(0, -1);
  }
  return w;
}
