/**
 * Checks and canonicalises the scope of an alert rule, so that a rule can only be saved on a
 * scope that can fire. Scopes in the data are case-sensitive strings built from canonical
 * names (`actor:Russia`, `dyad:Russia>Ukraine`, `category:threat-of-force`): a rule saved as
 * `actor:russia` or `actor:Rusia` would never match a statement.
 *
 * - Actor names (alone or either side of a dyad) resolve through the scorer's gazetteer
 *   (`resolveActor`: aliases, demonyms and any case), else match, ignoring case, a speaker or
 *   target already seen in stored data; the rule keeps the canonical spelling.
 * - Categories match a taxonomy category or one already in stored data, ignoring case.
 * - Anything else is refused with the nearest known names ("did you mean ..."), unless the
 *   request allows an actor not seen yet (`allowUnknownScope: true`), which is then kept as
 *   given. A category outside the taxonomy can never be produced by the scorer: always refused.
 */

export interface ScopeVocabulary {
  /** Canonical actor for a name or alias in any case, or null: the scorer's `resolveActor`. */
  resolveActor(name: string): string | null;
  /** Gazetteer names and aliases with their canonical actor, to suggest from. */
  actorNames: ReadonlyArray<{ name: string; actor: string }>;
  /** Taxonomy category ids. */
  categories: readonly string[];
  /** Scopes present in stored data that start with a prefix ('actor:', 'dyad:', 'category:'). */
  seenScopes(prefix: string): string[];
}

export type ScopeCheck = { ok: true; scope: string } | { ok: false; message: string; suggestions: string[] };

const MAX_SUGGESTIONS = 3;

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (s === t) return 0;
  let prev2: number[] = [];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[t.length]!;
}

/**
 * The nearest candidates to a name: within an edit distance of about a third of its length
 * (at least 2), or starting with it; closest first, each target once.
 */
export function nearest(name: string, candidates: Iterable<{ name: string; target: string }>, limit = MAX_SUGGESTIONS): string[] {
  const wanted = name.toLowerCase();
  const maxDistance = Math.max(2, Math.floor(wanted.length / 3));
  const best = new Map<string, number>();
  for (const c of candidates) {
    const cname = c.name.toLowerCase();
    let d = Math.abs(cname.length - wanted.length) > maxDistance ? Infinity : editDistance(wanted, cname);
    if (d > maxDistance && wanted.length >= 3 && cname.startsWith(wanted)) d = maxDistance + 0.5;
    if (d > maxDistance + 0.5) continue;
    const prev = best.get(c.target);
    if (prev === undefined || d < prev) best.set(c.target, d);
  }
  return [...best.entries()]
    .sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]))
    .slice(0, limit)
    .map(([target]) => target);
}

const quote = (s: string) => JSON.stringify(s);

export function createScopeChecker(vocab: ScopeVocabulary) {
  /** Every actor name known from stored data: speakers (actor scopes) and both sides of dyads. */
  function seenActors(): string[] {
    const names = new Set<string>();
    for (const s of vocab.seenScopes('actor:')) names.add(s.slice('actor:'.length));
    for (const s of vocab.seenScopes('dyad:')) {
      const [a, b] = s.slice('dyad:'.length).split('>');
      if (a) names.add(a);
      if (b) names.add(b);
    }
    return [...names];
  }

  type ActorLookup = { ok: true; actor: string } | { ok: false; suggestions: string[] };

  function lookupActor(raw: string, seen: string[] | null): { result: ActorLookup; seen: string[] } {
    const name = raw.trim();
    const canonical = vocab.resolveActor(name);
    const known = seen ?? seenActors();
    if (canonical !== null) return { result: { ok: true, actor: canonical }, seen: known };
    const lower = name.toLowerCase();
    const match = known.find((k) => k === name) ?? known.find((k) => k.toLowerCase() === lower);
    if (match !== undefined) return { result: { ok: true, actor: match }, seen: known };
    const candidates = [
      ...vocab.actorNames.map((a) => ({ name: a.name, target: a.actor })),
      ...known.map((k) => ({ name: k, target: k })),
    ];
    return { result: { ok: false, suggestions: nearest(name, candidates) }, seen: known };
  }

  function didYouMean(suggestions: string[]): string {
    return suggestions.length > 0 ? `did you mean ${suggestions.join(', ')}?` : 'no known name is close to it';
  }

  function checkActorScope(name: string, allowUnknown: boolean): ScopeCheck {
    if (name.trim() === '') return { ok: false, message: 'actor:NAME needs a name', suggestions: [] };
    const { result } = lookupActor(name, null);
    if (result.ok) return { ok: true, scope: `actor:${result.actor}` };
    if (allowUnknown) return { ok: true, scope: `actor:${name.trim()}` };
    const suggestions = result.suggestions.map((a) => `actor:${a}`);
    return {
      ok: false,
      message: `unknown actor ${quote(name.trim())}: ${didYouMean(suggestions)} Actor names come from the gazetteer or from statements already stored; set allowUnknownScope: true to watch an actor not seen yet`,
      suggestions,
    };
  }

  function checkDyadScope(pair: string, allowUnknown: boolean): ScopeCheck {
    const [speaker = '', target = '', ...rest] = pair.split('>');
    if (rest.length > 0 || speaker.trim() === '' || target.trim() === '') {
      return { ok: false, message: 'dyad:SPEAKER>TARGET needs two names separated by one ">"', suggestions: [] };
    }
    const a = lookupActor(speaker, null);
    const b = lookupActor(target, a.seen);
    const sides = [
      { raw: speaker.trim(), r: a.result },
      { raw: target.trim(), r: b.result },
    ];
    const names = sides.map((s) => (s.r.ok ? s.r.actor : s.raw));
    if (sides.every((s) => s.r.ok) || allowUnknown) {
      if (names[0]!.toLowerCase() === names[1]!.toLowerCase()) {
        return { ok: false, message: `a dyad needs two different actors (both sides are ${quote(names[0]!)})`, suggestions: [] };
      }
      return { ok: true, scope: `dyad:${names[0]}>${names[1]}` };
    }
    // Suggest whole dyads: each unknown side replaced by its nearest names.
    const options = sides.map((s) => (s.r.ok ? [s.r.actor] : s.r.suggestions));
    const suggestions: string[] = [];
    for (const x of options[0]!) for (const y of options[1]!) if (x !== y) suggestions.push(`dyad:${x}>${y}`);
    const unknown = sides.filter((s) => !s.r.ok).map((s) => quote(s.raw)).join(' and ');
    return {
      ok: false,
      message: `unknown actor ${unknown} in the dyad: ${didYouMean(suggestions.slice(0, MAX_SUGGESTIONS))} Set allowUnknownScope: true to watch an actor not seen yet`,
      suggestions: suggestions.slice(0, MAX_SUGGESTIONS),
    };
  }

  function checkCategoryScope(name: string): ScopeCheck {
    const wanted = name.trim();
    const known = [...new Set([...vocab.categories, ...vocab.seenScopes('category:').map((s) => s.slice('category:'.length))])];
    const match = known.find((c) => c === wanted) ?? known.find((c) => c.toLowerCase() === wanted.toLowerCase());
    if (match !== undefined) return { ok: true, scope: `category:${match}` };
    const suggestions = nearest(wanted.replace(/\s+/g, '-'), known.map((c) => ({ name: c, target: c }))).map((c) => `category:${c}`);
    return {
      ok: false,
      message: `unknown category ${quote(wanted)}: ${didYouMean(suggestions)} Categories are those of the scorer's taxonomy (server/scoring/README.md)`,
      suggestions,
    };
  }

  return {
    /**
     * The canonical scope, or why it can never fire with suggestions. `scope` has passed the
     * rule schema's syntax check (global, actor:NAME, dyad:A>B or category:NAME).
     */
    check(scope: string, opts: { allowUnknown?: boolean } = {}): ScopeCheck {
      const allowUnknown = opts.allowUnknown === true;
      if (scope === 'global') return { ok: true, scope };
      if (scope.startsWith('actor:')) return checkActorScope(scope.slice('actor:'.length), allowUnknown);
      if (scope.startsWith('dyad:')) return checkDyadScope(scope.slice('dyad:'.length), allowUnknown);
      if (scope.startsWith('category:')) return checkCategoryScope(scope.slice('category:'.length));
      return { ok: false, message: 'must be global, actor:NAME, dyad:SPEAKER>TARGET or category:NAME', suggestions: [] };
    },
  };
}

export type ScopeChecker = ReturnType<typeof createScopeChecker>;
