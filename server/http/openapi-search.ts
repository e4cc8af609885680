import { body, bom, csv, errors, guarded, ok, pathId, query } from './openapi-helpers.ts';
import { object, ref, type JsonSchema } from './openapi-schemas.ts';

/** Search and score feedback in the OpenAPI description (statement-filters.ts, feedback-routes.ts). */
const level = { enum: ['calm', 'low', 'elevated', 'high', 'severe'] };
const ranges = { type: 'array', items: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 2, maxItems: 2, description: '[start, end) in UTF-16 code units' } };

export const SEARCH_SCHEMAS: Record<string, JsonSchema> = {
  SearchHighlights: object(
    { text: ranges, speaker: { ...ranges, description: 'of speaker as shown' }, targets: { type: 'array', items: ranges, description: 'one list per entry of targets' }, source: ranges },
    [],
    'Where a search (q=) matched, as ranges of the fields as returned',
  ),
  Feedback: object(
    {
      id: { type: 'integer' },
      statementId: { type: 'integer' },
      suggestedLevel: level,
      reason: { type: 'string' },
      author: { type: 'string', description: 'who wrote it: the user (session or their API token), api-token for the admin token' },
      createdAt: { type: 'string', format: 'date-time' },
      scoreAtTime: { type: ['number', 'null'], description: 'the statement\'s score when the feedback was given' },
      levelAtTime: { type: ['string', 'null'] },
      scorerVersion: { type: ['string', 'null'] },
    },
    [],
    '"This score is wrong": the level an analyst would assign instead, and why',
  ),
};

/** The filters GET /api/statements and GET /api/export/statements.csv gained with search. */
export const SEARCH_FILTERS = [
  query('q', { type: 'string' }, 'full-text search: words (all must match), "a phrase", prefix*, -excluded; any text is a valid query or a named 400'),
  query('dyad', { type: 'string', maxLength: 300, pattern: '^[^>]+>[^>]+$' }, 'SPEAKER>TARGET, canonical names'),
  query('level', level, 'scored level'),
  query('maxScore', { type: 'number', minimum: 0, maximum: 100 }, 'highest score (not below minScore)'),
  query('origin', { enum: ['api', 'inbox', 'feed', 'cli', 'demo'] }, 'where the statement came from'),
];
export const SORT = query('sort', { enum: ['newest', 'relevance'] }, 'relevance (the default with q, needs q): best match first; newest: newest first');

export const SEARCH_PATHS: Record<string, Record<string, unknown>> = {
  '/api/statements/{id}/feedback': {
    get: { summary: 'The feedback on one statement, oldest first', parameters: [pathId], responses: { '200': ok(object({ feedback: { type: 'array', items: ref('Feedback') } })), ...errors(400) } },
    post: {
      summary: 'Say a score is wrong: the level it should have, and why',
      ...guarded('analyst'),
      parameters: [pathId],
      requestBody: body(object({ level, reason: { type: 'string', minLength: 3, maxLength: 2000 } })),
      responses: { '201': ok(object({ feedback: ref('Feedback') }), 'Created'), ...errors(400, 401, 403, 404, 413, 429) },
    },
  },
  '/api/feedback/categories': {
    get: {
      summary: 'Feedback counted per signal category of the statements it is about',
      responses: {
        '200': ok(
          object({
            total: { type: 'integer', minimum: 0 },
            categories: {
              type: 'array',
              items: object({ category: { type: 'string' }, count: { type: 'integer' }, higher: { type: 'integer', description: 'suggested above the level scored' }, lower: { type: 'integer' }, same: { type: 'integer' } }),
            },
          }),
        ),
      },
    },
  },
  '/api/export/feedback.csv': {
    get: { summary: 'Every piece of feedback with its statement, as CSV (formula-safe), streamed', parameters: [bom], responses: { '200': csv, ...errors(400) } },
  },
};
