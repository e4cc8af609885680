// The score CLI's output written straight into UTF-8 bytes: the same line as scoreLine
// (score-line.ts) but without building a string first. A batch's output built by `out +=` is a
// rope of ~30 small strings per line; encoding such a rope (stdout.write, postMessage) cost
// 3-5 ms per 1,000 lines (measured: 10x a flat string), more than serialising it. Plain
// ASCII pieces are copied byte by byte; any string with a character outside printable ASCII,
// a quote or a backslash goes through JSON.stringify and utf8Write, so the bytes are exactly
// Buffer.from(scoreLine(id, result)) (a test compares the two). The fixed parts of a line (keys,
// and the few values from a small set: level, category and polarity, modality, version) are
// encoded once and copied with TypedArray.set, a native copy: per byte, a JavaScript loop cost
// ~30% of the output time more.

import type { ScoreResult, Signal } from '../../server/scoring/index.ts';

/** Bytes reserved per line when a batch's buffer is first allocated (lines average ~420). */
const BYTES_PER_LINE = 512;

/** UTF-8 of `s` (fixed JSON text). */
const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

const ID_KEY = utf8('{"id":');
const SCORE_AFTER_ID = utf8(',"score":');
const SCORE_FIRST = utf8('{"score":');
const ACTORS_SPEAKER = utf8('],"actors":{"speaker":');
const NULL = utf8('null');
const TARGETS = utf8(',"targets":');
const MENTIONED = utf8(',"mentioned":');
const SPEAKER_INSTITUTION = utf8(',"speakerInstitution":');
const START = utf8(',"start":');
const END = utf8(',"end":');

/**
 * Encoded JSON of values from small fixed sets (the lexicon's categories, polarities,
 * modalities, levels, the version), keyed by their strings; bounded, in case a caller's
 * values are not from a small set.
 */
class Pieces {
  private map = new Map<string, Uint8Array>();
  /** The last key asked for and its piece: the version is the same on every line. */
  private lastKey: string | null = null;
  private last: Uint8Array = NULL;
  constructor(private readonly make: (key: string) => string) {}
  get(key: string): Uint8Array {
    if (key === this.lastKey) return this.last;
    let p = this.map.get(key);
    if (p === undefined) {
      p = utf8(this.make(key));
      if (this.map.size >= 1_000) this.map.clear();
      this.map.set(key, p);
    }
    this.lastKey = key;
    this.last = p;
    return p;
  }
}

/** `{"category":"<category>","polarity":"<polarity>","weight":`, per category and per polarity. */
const SIGNAL_HEADS = new Map<string, Pieces>();
const MODALITIES = new Pieces((m) => `,"modality":${JSON.stringify(m)},"text":`);
const LEVELS = new Pieces((l) => `,"level":${JSON.stringify(l)},"signals":[`);
const VERSIONS = new Pieces((v) => `},"version":${JSON.stringify(v)}}\n`);

function signalHead(category: string, polarity: string): Uint8Array {
  let byPolarity = SIGNAL_HEADS.get(category);
  if (byPolarity === undefined) {
    byPolarity = new Pieces((p) => `{"category":${JSON.stringify(category)},"polarity":${JSON.stringify(p)},"weight":`);
    if (SIGNAL_HEADS.size >= 1_000) SIGNAL_HEADS.clear();
    SIGNAL_HEADS.set(category, byPolarity);
  }
  return byPolarity.get(polarity);
}

export class LineBytes {
  private buf: Buffer;
  private len = 0;

  /**
   * `reuse`: memory of an earlier batch whose bytes are no longer needed (written out), used
   * instead of a new buffer when it is big enough. Writing into fresh memory costs a page fault
   * per 4 KB (measured: writing a batch into a new buffer took ~2x as long as into a reused one).
   */
  constructor(lines: number, reuse?: ArrayBuffer) {
    const want = Math.max(8192, lines * BYTES_PER_LINE);
    // at least 8 KB: a smaller Buffer.allocUnsafe comes from the shared pool, and the helper
    // thread transfers the buffer's whole ArrayBuffer
    this.buf = reuse !== undefined && reuse.byteLength >= want ? Buffer.from(reuse) : Buffer.allocUnsafeSlow(want);
  }

  /** The bytes written so far (a view of this writer's own ArrayBuffer, starting at 0). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  private room(n: number): Buffer {
    if (this.len + n > this.buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.len + n));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    return this.buf;
  }

  /** Encoded bytes, copied natively. */
  piece(p: Uint8Array): void {
    const b = this.room(p.length);
    b.set(p, this.len);
    this.len += p.length;
  }

  /** A string known to be ASCII that needs no escaping (fixed keys, numbers). */
  raw(s: string): void {
    const b = this.room(s.length);
    let o = this.len;
    for (let i = 0; i < s.length; i++) b[o++] = s.charCodeAt(i);
    this.len = o;
  }

  /** Any string, as a JSON string literal. */
  str(s: string): void {
    const n = s.length;
    const b = this.room(n + 2);
    let o = this.len;
    b[o++] = 34;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 32 || c > 126 || c === 34 || c === 92) {
        this.json(JSON.stringify(s));
        return;
      }
      b[o++] = c;
    }
    b[o++] = 34;
    this.len = o;
  }

  /** JSON text that may hold any character (escaped already): written as UTF-8. */
  json(j: string): void {
    const b = this.room(j.length * 3);
    this.len += b.write(j, this.len, 'utf8');
  }

  /**
   * A number as String() writes it. Scores and weights have at most two decimals: when x is
   * exactly k / 100 (division is correctly rounded, so x is the double nearest to that
   * decimal, and no shorter decimal is), its shortest form is k / 100 written out with
   * trailing zeros dropped, which is what String() gives. Anything else goes through String().
   */
  num(x: number): void {
    if (x >= 0 && x < 1e9) {
      const k = Math.round(x * 100);
      if (k / 100 === x) {
        const frac = k % 100;
        this.int((k - frac) / 100);
        if (frac !== 0) {
          const b = this.room(3);
          let o = this.len;
          b[o++] = 46;
          b[o++] = 48 + ((frac / 10) | 0);
          if (frac % 10 !== 0) b[o++] = 48 + (frac % 10);
          this.len = o;
        }
        return;
      }
    }
    this.raw(String(x));
  }

  /** A non-negative integer below 1e9, digit by digit. */
  private int(x: number): void {
    const b = this.room(10);
    let o = this.len;
    if (x >= 10) {
      let d = 10;
      while (d <= x) d *= 10;
      for (d /= 10; d >= 1; d /= 10) {
        const digit = (x / d) | 0;
        b[o++] = 48 + digit;
        x -= digit * d;
      }
    } else b[o++] = 48 + x;
    this.len = o;
  }

  names(list: string[]): void {
    this.raw('[');
    for (let i = 0; i < list.length; i++) {
      if (i > 0) this.raw(',');
      this.str(list[i]!);
    }
    this.raw(']');
  }

  signal(s: Signal): void {
    // fixed pieces and numbers written one after another: a concatenation would be a rope
    // that charCodeAt flattens first
    this.piece(signalHead(s.category, s.polarity));
    this.num(s.weight);
    this.piece(MODALITIES.get(s.modality));
    this.str(s.text);
    this.piece(START);
    this.num(s.start);
    this.piece(END);
    this.num(s.end);
    this.raw('}');
  }

  /** One output line of `npm run score` and its newline. */
  line(id: unknown, r: ScoreResult): void {
    const idJson = typeof id === 'string' ? null : JSON.stringify(id);
    if (idJson === null) {
      this.piece(ID_KEY);
      this.str(id as string);
      this.piece(SCORE_AFTER_ID);
    } else if (idJson !== undefined) {
      this.piece(ID_KEY);
      this.json(idJson);
      this.piece(SCORE_AFTER_ID);
    } else this.piece(SCORE_FIRST);
    this.num(r.score);
    this.piece(LEVELS.get(r.level));
    for (let i = 0; i < r.signals.length; i++) {
      if (i > 0) this.raw(',');
      this.signal(r.signals[i]!);
    }
    const a = r.actors;
    this.piece(ACTORS_SPEAKER);
    if (a.speaker === null) this.piece(NULL);
    else this.str(a.speaker);
    this.piece(TARGETS);
    this.names(a.targets);
    this.piece(MENTIONED);
    this.names(a.mentioned);
    if (a.speakerInstitution !== undefined) {
      this.piece(SPEAKER_INSTITUTION);
      this.str(a.speakerInstitution);
    }
    this.piece(VERSIONS.get(r.version));
  }
}
