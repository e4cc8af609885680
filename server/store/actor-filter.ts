// The `actor` filter of statement lists on SQLite: any statement whose speaker or a target has
// that name, compared without regard to ASCII case (COLLATE NOCASE), through the index.

const upper = (s: string) => s.replace(/[a-z]/g, (c) => c.toUpperCase());
const lower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
/** Above every character in SQLite's binary (UTF-8 byte) order: an empty range. */
const TOP = '\u{10FFFF}';

/**
 * The known names (statement_actors.actor) equal to @actor under NOCASE, as a subquery. The
 * primary key of statement_actors (actor, statement_id, role) orders names by their bytes, where
 * `actor = ? COLLATE NOCASE` cannot use it: that read every row of the table (~1.4M on
 * 1,000,000 statements, ~150 ms). NOCASE folds ASCII letters only, so every spelling of a name
 * lies between its all-upper and all-lower forms; split by the case of its first letter, in two
 * narrower ranges: [Xyz.., XYZ..] has the names from X + upper(rest) to X + lower(rest). The subquery steps from distinct name to
 * distinct name through those two ranges (a skip scan: one index seek per name, never per row)
 * and keeps the equal ones.
 */
export function actorNamesSql(actor: string, params: Record<string, unknown>): string {
  const [first = ''] = actor; // (a whole code point)
  const rest = actor.slice(first.length);
  params.actor = actor;
  params.actorLo1 = upper(actor);
  params.actorHi1 = upper(first) + lower(rest);
  // A first character without case: one range; the second seed starts past its own end.
  const cased = upper(first) !== lower(first);
  params.actorLo2 = cased ? lower(first) + upper(rest) : TOP;
  params.actorHi2 = cased ? lower(actor) : TOP;
  const next = (bound: string) => `(SELECT MIN(actor) FROM statement_actors WHERE actor ${bound})`;
  return `WITH RECURSIVE actor_names(name, hi) AS (
      SELECT ${next('>= @actorLo1')}, @actorHi1
      UNION ALL SELECT ${next('>= @actorLo2')}, @actorHi2
      UNION ALL SELECT ${next('> actor_names.name')}, hi FROM actor_names WHERE name < hi
    ) SELECT name FROM actor_names WHERE name = @actor COLLATE NOCASE`;
}
