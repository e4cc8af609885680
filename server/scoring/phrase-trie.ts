// Phrase index keyed on token keys (small integers: each distinct stem or word of the lexicon
// gets one id when it is compiled, so a lookup hashes a number, not a string): one Map lookup per token for the common case (no phrase
// starts here), a short walk when one does. Determiners inside a phrase may be skipped so that
// "expel ambassador" also matches "expelled the ambassador".

export interface TrieNode<T> {
  next: Map<number, TrieNode<T>> | null;
  entry: T | null;
  /**
   * The key of the node's only child (most nodes below the first level have one), NO_CHILD
   * without children, MANY_CHILDREN with several (then `next` is looked up); see childOf.
   */
  only: number;
  onlyChild: TrieNode<T> | null;
  /**
   * One bit for each key of a child, by the key's low five bits: a key whose bit is clear has
   * no child, and most keys looked up at a node with several children have none (no Map lookup).
   */
  bloom: number;
}

/** Keys are lexicon ids (>= 0) or -1 (a word the lexicon does not have): these never match. */
const NO_CHILD = -3;
const MANY_CHILDREN = -2;

/** The child of `node` under `key`: no Map lookup when the node has at most one child. */
export function childOf<T>(node: TrieNode<T>, key: number): TrieNode<T> | undefined {
  const only = node.only;
  if (only !== MANY_CHILDREN) return only === key ? node.onlyChild! : undefined;
  if ((node.bloom & (1 << (key & 31))) === 0) return undefined;
  return node.next!.get(key);
}

export interface TrieMatch<T> {
  entry: T;
  /** Token index after the last matched token. */
  end: number;
}

export function createTrie<T>(): TrieNode<T> {
  return { next: null, entry: null, only: NO_CHILD, onlyChild: null, bloom: 0 };
}

/** Inserts `keys`; returns the entry already stored under the same keys, if any. */
export function insertPhrase<T>(root: TrieNode<T>, keys: readonly number[], entry: T): T | null {
  let node = root;
  for (const key of keys) {
    if (node.next === null) node.next = new Map();
    let child = node.next.get(key);
    if (child === undefined) {
      child = createTrie<T>();
      node.next.set(key, child);
      node.only = node.next.size === 1 ? key : MANY_CHILDREN;
      node.onlyChild = node.next.size === 1 ? child : null;
      node.bloom |= 1 << (key & 31);
    }
    node = child;
  }
  const previous = node.entry;
  if (previous === null) node.entry = entry;
  return previous;
}

/** Determiners, quantifiers and possessors passed over in a row ("freed [the remaining 40] prisoners"). */
const MAX_SKIPS = 3;

/**
 * Longest phrase starting at token `i` (written into `out`, a reused object: the hot path
 * allocates nothing per token); returns whether one was found. `first` is the node whose first key led to the node `first` (looked up
 * by the caller, once per distinct word). `keys[k]` is the lookup key of token k (-1, a word
 * the lexicon does not have, never matches); `skippable[k]` marks determiners, quantifiers and
 * possessors that may be passed over inside a phrase. `n`: the token count (keys beyond it,
 * in a reused array, are not the text's).
 */
export function matchAt<T>(
  first: TrieNode<T> | undefined,
  keys: ArrayLike<number>,
  skippable: Uint8Array,
  i: number,
  out: TrieMatch<T>,
  n: number = keys.length,
): boolean {
  if (first === undefined) return false;
  let found = false;
  out.end = 0;
  if (first.entry !== null) {
    out.entry = first.entry;
    out.end = i + 1;
    found = true;
  }
  return extend(first, keys, skippable, i + 1, out, n) || found;
}

/**
 * Extends a match from `node` at token `j`, keeping the longest in `out`. A skippable token
 * that is also the next word of some phrase ("released *the* report" is a shield, "return
 * *of* bodies" a phrase) is tried both ways, the phrase word first: "released the hostages"
 * still matches "release hostages", "returned dozens of detainees" "return detainees".
 */
function extend<T>(node: TrieNode<T>, keys: ArrayLike<number>, skippable: Uint8Array, j: number, out: TrieMatch<T>, n: number): boolean {
  let found = false;
  let skips = 0;
  while (node.next !== null && j < n) {
    const child = childOf(node, keys[j]!);
    if (skippable[j] === 1 && skips < MAX_SKIPS && j + 1 < n) {
      if (child !== undefined) {
        if (child.entry !== null && j + 1 > out.end) {
          out.entry = child.entry;
          out.end = j + 1;
          found = true;
        }
        if (extend(child, keys, skippable, j + 1, out, n)) found = true;
      }
      j++;
      skips++;
      continue;
    }
    if (child === undefined) break;
    node = child;
    j++;
    skips = 0;
    if (node.entry !== null && j > out.end) {
      out.entry = node.entry;
      out.end = j;
      found = true;
    }
  }
  return found;
}
