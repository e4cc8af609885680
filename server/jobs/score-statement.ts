import type { LanguageGate } from '../ingest/statement-language.ts';
import type { ScoredForMetrics } from '../metrics/risk-index.ts';
import type { Scorer } from '../scoring/index.ts';
import type { ScoredFields } from '../store/statements-repo.ts';

export type StatementScore =
  | {
      ok: true;
      /** What the statements repo stores for the statement (score, evidence, actors). */
      fields: ScoredFields;
      /**
       * What the metric buckets take from it (contributionsFor, or a bucket merger's
       * addStatement); add it only if the statement was saved.
       */
      forMetrics: ScoredForMetrics;
    }
  | { ok: false; error: string; cause: unknown };

/** scoreStatement's outcome, or: the statement is in a language the scorer does not read (no score, no metrics). */
export type StatementOutcome = StatementScore | { ok: 'unsupported'; lang: string };

/**
 * Decides the statement's language first (server/ingest/statement-language.ts): a statement
 * the scorer cannot read is not scored at all, rather than scored as a text without signals
 * ("10 calm"). Both scoring paths (the score worker and a scoring backfill) call this.
 */
export function scoreInLanguage(
  scorer: Scorer,
  language: LanguageGate,
  s: { text: string; speaker: string | null; occurredAt: number },
  scoredAt: number,
): StatementOutcome {
  const decided = language.decide(s.text);
  if (!decided.supported) return { ok: 'unsupported', lang: decided.lang };
  const scored = scoreStatement(scorer, s, scoredAt, decided.lang);
  if (scored.ok) scored.fields.lang = decided.lang;
  return scored;
}

/**
 * Scores one statement and turns the result into the fields stored for it and its metric
 * contributions. The one place that does this: the score worker (pending rows) and the
 * backfill that scores while it ingests (`npm run ingest -- --score`) both call it, so a
 * statement gets the same evidence, actor, targets and buckets whichever path scored it.
 * The scorer is meant never to throw; if it does, the outcome says so and the caller parks
 * the statement as failed instead of retrying it forever.
 */
export function scoreStatement(
  scorer: Scorer,
  s: { text: string; speaker: string | null; occurredAt: number },
  scoredAt: number,
  lang?: string,
): StatementScore {
  let result;
  try {
    // read in the language the gate decided (a scorer that reads several languages dispatches on it)
    result = scorer.score(s.text, lang === undefined ? { speaker: s.speaker } : { speaker: s.speaker, lang });
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err), cause: err };
  }
  // A given speaker wins over one detected in the text; it is resolved to its canonical name.
  const actor = (s.speaker ? scorer.resolveActor(s.speaker) ?? s.speaker : null) ?? result.actors.speaker;
  const targets = result.actors.targets.filter((t) => t !== actor);
  const categories = [...new Set(result.signals.map((sig) => sig.category))];
  return {
    ok: true,
    fields: {
      score: result.score,
      level: result.level,
      actor,
      targets,
      mentioned: result.actors.mentioned,
      signals: result.signals,
      categories,
      scorerVersion: result.version,
      scoredAt,
    },
    forMetrics: { occurredAt: s.occurredAt, score: result.score, actor, targets, categories },
  };
}
