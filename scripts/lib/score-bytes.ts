// The score CLI's output written straight into UTF-8 bytes: the same line as scoreLine
// (score-line.ts) but without building a string first. A batch's output built by `out +=` is a
// rope of ~30 small strings per line; encoding such a rope (stdout.write, postMessage) cost
// 3-5 ms per 1,000 lines (measured: 10x a flat string), more than serialising it. Plain
// ASCII pieces are copied byte by byte; any string with a character outside printable ASCII,
// a quote or a backslash goes through JSON.stringify and utf8Write, so the bytes are exactly
// Buffer.from(scoreLine(id, result)) (a test compares the two).

import type { ScoreResult, Signal } from '../../server/scoring/index.ts';

/** Bytes reserved per line when a batch's buffer is first allocated (lines average ~420). */
const BYTES_PER_LINE = 512;

export class LineBytes {
  private buf: Buffer;
  private len = 0;

  constructor(lines: number) {
    // at least 8 KB: a smaller Buffer.allocUnsafe comes from the shared pool, and the helper
    // thread transfers the buffer's whole ArrayBuffer
    this.buf = Buffer.allocUnsafeSlow(Math.max(8192, lines * BYTES_PER_LINE));
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
    this.raw('{"category":');
    this.str(s.category);
    this.raw(',"polarity":');
    this.str(s.polarity);
    // fixed pieces and numbers written one after another: a concatenation would be a rope
    // that charCodeAt flattens first
    this.raw(',"weight":');
    this.num(s.weight);
    this.raw(',"modality":');
    this.str(s.modality);
    this.raw(',"text":');
    this.str(s.text);
    this.raw(',"start":');
    this.num(s.start);
    this.raw(',"end":');
    this.num(s.end);
    this.raw('}');
  }

  /** One output line of `npm run score` and its newline. */
  line(id: unknown, r: ScoreResult): void {
    this.raw('{');
    if (typeof id === 'string') {
      this.raw('"id":');
      this.str(id);
      this.raw(',');
    } else {
      const idJson = JSON.stringify(id);
      if (idJson !== undefined) {
        this.raw('"id":');
        this.json(idJson);
        this.raw(',');
      }
    }
    this.raw('"score":');
    this.num(r.score);
    this.raw(',"level":');
    this.str(r.level);
    this.raw(',"signals":[');
    for (let i = 0; i < r.signals.length; i++) {
      if (i > 0) this.raw(',');
      this.signal(r.signals[i]!);
    }
    const a = r.actors;
    this.raw('],"actors":{"speaker":');
    if (a.speaker === null) this.raw('null');
    else this.str(a.speaker);
    this.raw(',"targets":');
    this.names(a.targets);
    this.raw(',"mentioned":');
    this.names(a.mentioned);
    if (a.speakerInstitution !== undefined) {
      this.raw(',"speakerInstitution":');
      this.str(a.speakerInstitution);
    }
    this.raw('},"version":');
    this.str(r.version);
    this.raw('}\n');
  }
}
