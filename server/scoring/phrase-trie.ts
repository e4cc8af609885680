// Phrase index keyed on token keys (small integers: each distinct stem or word of the lexicon
// gets one id when it is compiled, so a lookup hashes a number, not a string): one Map lookup per token for the common case (no phrase
// starts here), a short walk when one does. Determiners inside a phrase may be skipped so that
// "expel ambassador" also matches "expelled the ambassador".

export interface TrieNode<T> {
  next: Map<number, TrieNode<T>> | null;
  entry: T | null;
}

export interface TrieMatch<T> {
  entry: T;
  /** Token index after the last matched token. */
  end: number;
}

export function createTrie<T>(): TrieNode<T> {
  return { next: null, entry: null };
}

/** Inserts `keys`; returns the entry already stored under the same keys, if any. */
export function insertPhrase<T>(root: TrieNode<T>, keys: readonly number[], entry: T): T | null {
  let node = root;
  for (const key of keys) {
    if (node.next === null) node.next = new Map();
    let child = node.next.get(key);
    if (child === undefined) {
      child = { next: null, entry: null };
      node.next.set(key, child);
    }
    node = child;
  }
  const previous = node.entry;
  if (previous === null) node.entry = entry;
  return previous;
}

const MAX_SKIPS = 2;

/**
 * Longest phrase starting at token `i` (written into `out`, a reused object: the hot path
 * allocates nothing per token); returns whether one was found. `first` is the node whose first key led to the node `first` (looked up
 * by the caller, once per distinct word). `keys[k]` is the lookup key of token k (-1, a word
 * the lexicon does not have, never matches); `skippable[k]` marks determiners that may be passed over inside a phrase.
 */
export function matchAt<T>(
  first: TrieNode<T> | undefined,
  keys: readonly number[],
  skippable: Uint8Array,
  i: number,
  out: TrieMatch<T>,
): boolean {
  if (first === undefined) return false;
  let node: TrieNode<T> = first;
  let found = false;
  if (node.entry !== null) {
    out.entry = node.entry;
    out.end = i + 1;
    found = true;
  }
  let j = i + 1;
  const n = keys.length;
  while (node.next !== null && j < n) {
    let child = node.next.get(keys[j]!);
    let k = j;
    let skips = 0;
    while (child === undefined && skippable[k] === 1 && skips < MAX_SKIPS && k + 1 < n) {
      k++;
      skips++;
      child = node.next.get(keys[k]!);
    }
    if (child === undefined) break;
    node = child;
    j = k + 1;
    if (node.entry !== null) {
      out.entry = node.entry;
      out.end = j;
      found = true;
    }
  }
  return found;
}
