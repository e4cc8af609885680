import { ANONYMOUS, body, csv, date, errors, guarded, html, notBuilt, ok, pathId, pathParam, query, READ, scope } from './openapi-helpers.ts';
import { object, ref, type JsonSchema } from './openapi-schemas.ts';

/** Drill-down and annotations in the OpenAPI description (drill-routes.ts, annotation-routes.ts). */
const iso = { type: 'string', format: 'date-time' };
const ms = { type: 'integer', description: 'unix milliseconds' };
const nameCount = { type: 'array', items: object({ name: { type: 'string' }, count: { type: 'integer', minimum: 0 }, maxScore: { type: ['number', 'null'], description: 'highest score, rounded' } }) };

export const DRILL_SCHEMAS: Record<string, JsonSchema> = {
  ScopeMatch: object({ scope: { type: 'string' }, count: { type: 'integer', minimum: 0, description: 'statements counted in the scope, all time' } }),
  DrillSummary: object({
    scope: { type: 'string', description: 'the stored scope (a name with spaces may resolve to underscores)' },
    kind: { enum: ['actor', 'dyad', 'category'] },
    name: { type: 'string' },
    from: iso,
    to: iso,
    total: { type: 'integer', minimum: 0, description: 'statements counted in the scope, all time' },
    current: ref('CurrentMetrics'),
    speakers: { ...nameCount, description: 'who speaks in the range (the scope\'s own actors left out)' },
    targets: nameCount,
    categories: nameCount,
    targetedBy: { ...nameCount, description: 'for an actor: who names it as a target in the range; else empty' },
    rules: {
      type: 'array',
      items: object({ id: { type: 'integer' }, name: { type: 'string' }, window: { type: 'string' }, metric: { enum: ['index', 'max', 'count'] }, threshold: { type: 'number' }, severity: { enum: ['info', 'warning', 'critical'] }, enabled: { type: 'boolean' } }),
    },
    alerts: { type: 'array', items: ref('Alert') },
  }),
  Annotation: object({
    id: { type: 'integer' },
    at: ms,
    note: { type: 'string' },
    scope: { type: ['string', 'null'], description: 'null: shown on every chart' },
    createdBy: { type: 'string', description: 'who added it: the user (session or their API token), api-token for the admin token' },
    createdAt: ms,
  }),
};

const annotationFilters = [
  query('from', date, 'at or after'),
  query('to', date, 'before'),
  query('scope', { type: 'string', maxLength: 300 }, 'this scope\'s annotations and those of every chart; global: those of every chart only'),
];
const page = (summary: string, parameters: unknown[], notFound: boolean) => ({
  get: {
    summary,
    description: 'The page loads its data from /api/drill (signed in unless reads are public).',
    security: ANONYMOUS,
    parameters,
    responses: {
      '200': html,
      ...(notFound ? { '404': { ...html, description: 'The same page, which says there is no such scope' } } : {}),
      '503': notBuilt('application/json'),
    },
  },
});

export const DRILL_PATHS: Record<string, Record<string, unknown>> = {
  '/api/drill': {
    get: {
      summary: 'One scope\'s drill-down: its index now, who speaks, targets, categories, rules and alerts',
      security: READ,
      parameters: [
        { ...query('scope', { type: 'string', maxLength: 300, pattern: '^(actor:.+|dyad:.+>.+|category:.+)$' }, 'actor:NAME, dyad:SPEAKER>TARGET or category:NAME'), required: true },
        query('from', date, 'default to − 24 h; at most 92 days before to'),
        query('to', date, 'default now'),
      ],
      responses: { '200': ok(ref('DrillSummary')), ...errors(400, 401, 429), '404': ok(ref('Error'), 'No such scope: error.details.suggestions lists near names ({scope, count})') },
    },
  },
  '/api/scopes': {
    get: {
      summary: 'Known scopes whose name contains q, most statements first',
      security: READ,
      parameters: [query('q', { type: 'string', maxLength: 100 }, 'part of the name, any case'), query('kind', { enum: ['actor', 'dyad', 'category'] }, 'only this kind'), query('limit', { type: 'integer', minimum: 1, maximum: 200, default: 20 }, 'at most')],
      responses: { '200': ok(object({ scopes: { type: 'array', items: ref('ScopeMatch') } })), ...errors(400, 401, 429) },
    },
  },
  '/api/annotations': {
    get: {
      summary: 'Chart annotations, by time',
      security: READ,
      parameters: [...annotationFilters, query('limit', { type: 'integer', minimum: 1, maximum: 1000, default: 1000 }, 'at most')],
      responses: { '200': ok(object({ annotations: { type: 'array', items: ref('Annotation') } })), ...errors(400, 401) },
    },
    post: {
      summary: 'Add an annotation (pushed to every open page)',
      ...guarded('analyst'),
      requestBody: body(object({ at: { type: ['string', 'integer'], description: 'ISO 8601 or unix ms, years 1 to 9999' }, note: { type: 'string', minLength: 1, maxLength: 500 }, scope: { type: ['string', 'null'], maxLength: 300, pattern: scope.pattern, description: 'absent, null or global: every chart' } }, ['scope'])),
      responses: { '201': ok(object({ annotation: ref('Annotation') }), 'Created'), ...errors(400, 401, 403, 413, 415, 429) },
    },
  },
  '/api/annotations/{id}': {
    delete: { summary: 'Delete an annotation', ...guarded('analyst'), parameters: [pathId], responses: { '204': { description: 'Deleted' }, ...errors(400, 401, 403, 404, 429) } },
  },
  '/api/export/annotations.csv': {
    get: { summary: 'Annotations as CSV (formula-safe)', security: READ, parameters: [...annotationFilters, query('limit', { type: 'integer', minimum: 1, maximum: 1000 }, 'at most (default all)')], responses: { '200': csv, ...errors(400, 401) } },
  },
  '/actor/{name}': page('An actor\'s drill-down page', [pathParam('name')], true),
  '/category/{name}': page('A signal category\'s drill-down page', [pathParam('name')], true),
  '/dyad/{speaker}/{target}': page('A dyad\'s drill-down page', [pathParam('speaker'), pathParam('target')], true),
  '/alert/{id}': page('An alert\'s drill-down page', [pathParam('id')], false),
};
