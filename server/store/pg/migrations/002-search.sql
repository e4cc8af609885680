-- Full-text search queries on PostgreSQL (server/store/statement-query.ts, scope-filter.ts).
--
-- The search box's text becomes FTS5 terms in buildFtsQuery() (server/store/fts-query.ts):
-- words and "quoted phrases", each possibly a prefix (escal*), all of which must match. Here
-- the same terms become one tsquery over statements.search (001-schema.sql), so that user text
-- never reaches tsquery syntax: each term goes through phraseto_tsquery, which only tokenizes
-- (operators such as & | ! <-> : are punctuation to it), after the same accent folding as the
-- vector (search_fold). A prefix term makes its last word a prefix, as FTS5's `"a b" *` does;
-- the `:*` is added to phraseto_tsquery's own output, which quotes every lexeme.
--
-- Both functions are IMMUTABLE, so with the query's values bound (the pg driver sends them with
-- each query: a custom plan) the planner evaluates the tsquery once, before planning, and the
-- GIN index statements_search serves `search @@ search_query(...)`.

-- One term: a word or phrase (prefix 0), or one whose last word is a prefix (prefix 1).
-- A term without any lexeme for the 'simple' parser gives an empty query, which && ignores.
CREATE FUNCTION search_term_query(term TEXT, prefix INTEGER) RETURNS tsquery
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE
    WHEN prefix <> 0 AND numnode(phraseto_tsquery('simple', search_fold(term))) > 0
      THEN (phraseto_tsquery('simple', search_fold(term))::text || ':*')::tsquery
    ELSE phraseto_tsquery('simple', search_fold(term))
  END;

-- Every term AND-ed (terms[i] with prefixes[i]); NULL without terms (matches nothing).
CREATE FUNCTION search_query(terms TEXT[], prefixes INTEGER[]) RETURNS tsquery
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  q tsquery;
  t tsquery;
BEGIN
  IF array_length(terms, 1) IS DISTINCT FROM array_length(prefixes, 1) THEN
    RAISE EXCEPTION 'search_query: % terms but % prefix flags', array_length(terms, 1), array_length(prefixes, 1);
  END IF;
  FOR i IN 1 .. COALESCE(array_length(terms, 1), 0) LOOP
    t := search_term_query(terms[i], prefixes[i]);
    -- Skip a term without lexemes (as FTS5 skips a phrase the tokenizer empties) quietly:
    -- `q && ''` would give the same result with a NOTICE per query.
    CONTINUE WHEN numnode(t) = 0;
    q := CASE WHEN q IS NULL THEN t ELSE q && t END;
  END LOOP;
  RETURN q;
END $$;
