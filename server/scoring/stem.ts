// A deliberately small suffix stripper applied identically to lexicon phrases and to text, so
// "threatened", "threatens" and "threatening" all meet "threaten". It is not a linguistic
// stemmer: it only has to be consistent on both sides. Irregular forms (struck, fought,
// withdrew) are listed in the lexicon instead.

function endsWith(w: string, suffix: string): boolean {
  return w.length > suffix.length && w.endsWith(suffix);
}

export function stem(word: string): string {
  let w = word;
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
