// The scorer's per-token and per-sentence working arrays, reused from call to call (see
// prepare.ts for what fills them).

/**
 * Per-token working arrays, reused from one score() call to the next (a scorer is used by one
 * caller at a time; score() is synchronous). Only indexes below the token count are valid.
 */
export class Scratch {
  cueFlags = new Uint32Array(0);
  cueFactor = new Float32Array(0);
  skippable = new Uint8Array(0);
  clause = new Int32Array(0);
  historicalSentence = new Uint8Array(0);
  peacefulSentence = new Float32Array(0);
  /** Per sentence: 1 when a violent signal is in it (filled by findSignals when needed). */
  violentSentence = new Uint8Array(0);
  /** Per sentence: 1 when it names armed forces, police or fighters (`cues.armedActor`). */
  armedSentence = new Uint8Array(0);
  mentionAt = new Int32Array(0);
  signalAt = new Int32Array(0);
  /** Per token: where its lead starts, the last conditional / denial cue before it. */
  leadStart = new Int32Array(0);
  lastConditional = new Int32Array(0);
  lastDenial = new Int32Array(0);
  /** 1 for tokens inside a signal found so far (set left to right by findSignals). */
  inSignal = new Uint8Array(0);

  private counts = new Uint16Array(0);
  private touched = new Int32Array(16);

  /** Room for `n` indexes of counters set (categoryCounts), to set back to zero. */
  touchedCounts(n: number): Int32Array {
    if (this.touched.length < n) this.touched = new Int32Array(Math.max(n, this.touched.length * 2));
    return this.touched;
  }
  private up = new Float64Array(16);
  private down = new Float64Array(16);

  /** A buffer for at least `n` signal weights of one polarity (escalation when `up`); its contents are stale. */
  weights(n: number, up: boolean): Float64Array {
    if (up) {
      if (this.up.length < n) this.up = new Float64Array(Math.max(n, this.up.length * 2));
      return this.up;
    }
    if (this.down.length < n) this.down = new Float64Array(Math.max(n, this.down.length * 2));
    return this.down;
  }

  /** Counters, one per slot, all zero: the caller sets back to zero every one it changed. */
  categoryCounts(slots: number): Uint16Array {
    if (this.counts.length < slots) this.counts = new Uint16Array(slots);
    return this.counts;
  }

  /** Makes room for n tokens and s sentences and clears what will be used. */
  reset(n: number, s: number): void {
    if (this.cueFlags.length < n) {
      const size = Math.max(n, this.cueFlags.length * 2, 64);
      this.cueFlags = new Uint32Array(size);
      this.cueFactor = new Float32Array(size);
      this.skippable = new Uint8Array(size);
      this.clause = new Int32Array(size);
      this.mentionAt = new Int32Array(size);
      this.signalAt = new Int32Array(size);
      this.leadStart = new Int32Array(size);
      this.lastConditional = new Int32Array(size);
      this.lastDenial = new Int32Array(size);
      this.inSignal = new Uint8Array(size);
    } else {
      // one loop rather than four fill() calls: statements are short, and a builtin call per
      // array costs more than the stores themselves
      const { cueFlags, cueFactor, skippable, inSignal } = this;
      for (let i = 0; i < n; i++) {
        cueFlags[i] = 0;
        cueFactor[i] = 0;
        skippable[i] = 0;
        inSignal[i] = 0;
      }
    }
    if (this.historicalSentence.length < s + 1) {
      this.historicalSentence = new Uint8Array(Math.max(s + 1, 16));
      this.peacefulSentence = new Float32Array(Math.max(s + 1, 16));
      this.violentSentence = new Uint8Array(Math.max(s + 1, 16));
      this.armedSentence = new Uint8Array(Math.max(s + 1, 16));
    }
    const { historicalSentence, peacefulSentence, violentSentence, armedSentence } = this;
    for (let i = 0; i <= s; i++) {
      historicalSentence[i] = 0;
      violentSentence[i] = 0;
      armedSentence[i] = 0;
      peacefulSentence[i] = 1;
    }
  }
}
