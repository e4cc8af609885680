import { ALERT_SCHEMAS } from './openapi-alerts.ts';
import { AUTH_PATHS, AUTH_SCHEMAS } from './openapi-auth.ts';
import { DRILL_PATHS, DRILL_SCHEMAS } from './openapi-drill.ts';
import { body, bom, csv, date, ERROR_TEXT, errors, guarded, html, json, notBuilt, ok, pathId, query, READ, scope, SECURITY_SCHEMES } from './openapi-helpers.ts';
import { object, ref, SCHEMAS } from './openapi-schemas.ts';
import { SEARCH_FILTERS, SEARCH_PATHS, SEARCH_SCHEMAS, SORT } from './openapi-search.ts';

/**
 * The OpenAPI 3.1 description served at GET /api/openapi.json. Every route the app registers
 * must be here: main.ts logs the ones missing (undocumentedRoutes, openapi-routes.ts) and
 * test/ops/openapi.test.ts fails on them, and validates real answers against these schemas.
 */
const statementFilters = [
  query('from', date, 'said at or after (inclusive)'),
  query('to', date, 'said before (exclusive)'),
  query('actor', { type: 'string' }, 'speaker or target, canonical name'),
  query('minScore', { type: 'number', minimum: 0, maximum: 100 }, 'lowest score'),
  query('category', { type: 'string' }, 'signal category'),
  query('status', { enum: ['pending', 'scored', 'failed', 'unsupported'] }, 'statement status'),
  query('lang', { type: 'string', pattern: '^(?:[a-z]{2}|und)$' }, 'ISO 639-1 language'),
  query('scope', scope, 'the statements counted in this scope\'s metrics (scored only)'),
  ...SEARCH_FILTERS,
];

const toSignIn = { description: 'Not signed in and reads are not public: to /signin (/signin?setup=needed before the first account)', headers: { Location: { schema: { type: 'string' } } } };

const paths: Record<string, Record<string, unknown>> = {
  '/': { get: { summary: 'The dashboard page', security: READ, responses: { '200': html, '302': toSignIn, '503': notBuilt() } } },
  '/index.html': { get: { summary: 'The dashboard page (as /)', security: READ, responses: { '200': html, '302': toSignIn, '404': { $ref: '#/components/responses/E404', description: 'The dashboard has not been built' } } } },
  '/metrics': {
    get: {
      summary: 'Prometheus metrics (text format 0.0.4)',
      description: 'Allowed without a token over loopback (no X-Forwarded-For/Forwarded/X-Real-IP) or with BRINKWATCH_METRICS_PUBLIC=true; otherwise the bearer token.',
      security: READ,
      responses: { '200': { description: 'Exposition text', content: { 'text/plain': { schema: { type: 'string' } } } }, ...errors(401) },
    },
  },
  '/api/openapi.json': { get: { summary: 'This description', responses: { '200': ok({ type: 'object' }) } } },
  '/api/health': {
    get: { summary: 'Health: ok, degraded or failing, with reasons and checks', responses: { '200': ok(ref('Health')), '503': ok(ref('Health'), 'Failing') } },
  },
  '/api/statements': {
    post: {
      summary: 'Submit one statement or a batch (deduplicated)',
      ...guarded('analyst'),
      requestBody: body({ oneOf: [ref('StatementInput'), object({ statements: { type: 'array', items: ref('StatementInput'), minItems: 1, maxItems: 1000 } })] }),
      responses: { '202': ok(ref('IngestResult'), 'Accepted (some may be rejected, per item)'), '422': ok(ref('IngestResult'), 'Every statement rejected'), ...errors(400, 401, 403, 413, 415, 429) },
    },
    get: {
      summary: 'Statements, newest first, filtered; cursor paging',
      parameters: [...statementFilters, query('limit', { type: 'integer', minimum: 1, maximum: 500, default: 50 }, 'page size'), query('cursor', { type: 'string', maxLength: 100 }, 'nextCursor of the previous page (same query and sort)'), SORT],
      responses: {
        '200': ok(
          object(
            {
              statements: { type: 'array', items: ref('Statement') },
              nextCursor: { type: ['string', 'null'] },
              sort: { enum: ['newest', 'relevance'], description: 'with q: the order used' },
              note: { type: 'string', description: 'with q: why the matches are not ranked (too many)' },
            },
            ['sort', 'note'],
          ),
        ),
        ...errors(400),
      },
    },
  },
  '/api/statements/{id}': {
    get: { summary: 'One statement with its evidence', parameters: [pathId], responses: { '200': ok(object({ statement: ref('Statement') })), ...errors(400, 404) } },
  },
  '/api/metrics/current': {
    get: { summary: 'The risk index of each window now, with trend', parameters: [query('scope', scope, 'default global')], responses: { '200': ok(ref('CurrentMetrics')), ...errors(400, 429) } },
  },
  '/api/metrics/top': {
    get: {
      summary: 'The highest-risk actor, dyad and category scopes of a window',
      parameters: [query('window', { type: 'string' }, 'one of the configured windows'), query('limit', { type: 'integer', minimum: 1, maximum: 50, default: 5 }, 'per kind')],
      responses: { '200': ok(ref('TopScopes')), ...errors(400, 429) },
    },
  },
  '/api/metrics/rolling': {
    get: {
      summary: 'A rolling window sampled at a step (the chart)',
      parameters: [query('from', date, 'start'), query('to', date, 'end (default now)'), query('scope', scope, 'default global'), query('span', { type: 'string' }, 'instead of from, e.g. 24h'), query('window', { type: 'string' }, 'default 1h, at most 31d'), query('step', { type: 'string' }, 'default 5m')],
      responses: { '200': ok(ref('RollingSeries')), ...errors(400, 429) },
    },
  },
  '/api/metrics/history': {
    get: {
      summary: 'Stored buckets by minute, hour or day',
      parameters: [query('from', date, 'start (default to − 24 h)'), query('to', date, 'end (default now)'), query('bucket', { enum: ['minute', 'hour', 'day'] }, 'default minute'), query('scope', scope, 'default global')],
      responses: { '200': ok(ref('HistorySeries')), ...errors(400, 429) },
    },
  },
  '/api/feeds': {
    get: { summary: 'Feeds with their health', security: READ, responses: { '200': ok(object({ feeds: { type: 'array', items: ref('Feed') } })) } },
    post: { summary: 'Add a feed', ...guarded('admin'), requestBody: body(ref('FeedInput')), responses: { '201': ok(object({ feed: ref('Feed') }), 'Created'), ...errors(400, 401, 403, 409, 415, 429) } },
  },
  '/api/feeds/{id}': {
    get: { summary: 'One feed', security: READ, parameters: [pathId], responses: { '200': ok(object({ feed: ref('Feed') })), ...errors(400, 404) } },
    delete: { summary: 'Remove a feed added by the API', ...guarded('admin'), parameters: [pathId], responses: { '204': { description: 'Removed' }, ...errors(400, 401, 403, 404, 409, 429) } },
  },
  '/api/alert-rules': {
    get: { summary: 'Alert rules (webhook URLs masked without the admin token)', security: READ, responses: { '200': ok(object({ rules: { type: 'array', items: ref('Rule') } })) } },
    post: { summary: 'Create a rule', ...guarded('admin'), requestBody: body(ref('RuleInput')), responses: { '201': ok(object({ rule: ref('Rule') }), 'Created'), ...errors(400, 401, 403, 415, 429) } },
  },
  '/api/alert-rules/{id}': {
    get: { summary: 'One rule', security: READ, parameters: [pathId], responses: { '200': ok(object({ rule: ref('Rule') })), ...errors(400, 404) } },
    put: { summary: 'Replace a rule', ...guarded('admin'), parameters: [pathId], requestBody: body(ref('RuleInput')), responses: { '200': ok(object({ rule: ref('Rule') })), ...errors(400, 401, 403, 404, 415, 429) } },
    delete: { summary: 'Delete a rule (closes its open alert)', ...guarded('admin'), parameters: [pathId], responses: { '204': { description: 'Deleted' }, ...errors(400, 401, 403, 404, 429) } },
  },
  '/api/alert-rules/{id}/silence': {
    post: {
      summary: 'Silence a rule\'s notifications until a time',
      ...guarded('admin'),
      parameters: [pathId],
      requestBody: body(object({ until: { type: ['string', 'integer'], description: 'ISO 8601 or unix ms' }, reason: { type: 'string', maxLength: 500 } }, ['reason'])),
      responses: { '200': ok(object({ rule: ref('Rule') })), ...errors(400, 401, 403, 404, 415, 429) },
    },
    delete: { summary: 'Lift the silence', ...guarded('admin'), parameters: [pathId], responses: { '200': ok(object({ rule: ref('Rule') })), ...errors(400, 401, 403, 404, 429) } },
  },
  '/api/alerts': {
    get: {
      summary: 'Alert episodes, newest first; paged by id',
      parameters: [
        query('state', { enum: ['open', 'pending', 'firing', 'acknowledged', 'unacknowledged', 'resolved', 'cancelled'] }, 'filter'),
        query('ruleId', { type: 'integer', minimum: 1 }, 'filter'),
        query('before', { type: 'integer', minimum: 1 }, 'nextBefore of the previous page'),
        query('limit', { type: 'integer', minimum: 1, maximum: 500, default: 100 }, 'page size'),
      ],
      responses: { '200': ok(object({ alerts: { type: 'array', items: ref('Alert') }, nextBefore: { type: ['integer', 'null'] } })), ...errors(400) },
    },
  },
  '/api/alerts/{id}': { get: { summary: 'One alert', parameters: [pathId], responses: { '200': ok(object({ alert: ref('Alert') })), ...errors(400, 404) } } },
  '/api/alerts/{id}/events': {
    get: { summary: 'The alert\'s transitions with their top statements', parameters: [pathId], responses: { '200': ok(object({ events: { type: 'array', items: ref('AlertEvent') } })), ...errors(400, 404) } },
  },
  '/api/alerts/{id}/deliveries': {
    get: { summary: 'The alert\'s notifications and their attempts', security: READ, parameters: [pathId], responses: { '200': ok(object({ deliveries: { type: 'array', items: ref('Delivery') } })), ...errors(400, 404) } },
  },
  '/api/alerts/{id}/ack': {
    post: {
      summary: 'Acknowledge a firing alert (stops repeats)',
      ...guarded('analyst'),
      parameters: [pathId],
      requestBody: body(object({ reason: { type: 'string', minLength: 1, maxLength: 500 }, by: { type: 'string', maxLength: 100 } }, ['by'])),
      responses: { '200': ok(object({ alert: ref('Alert') })), ...errors(400, 401, 403, 404, 409, 415, 429) },
    },
  },
  '/api/deliveries': {
    get: {
      summary: 'The notification outbox',
      security: READ,
      parameters: [query('status', { enum: ['pending', 'delivered', 'dead'] }, 'filter'), query('alertId', { type: 'integer', minimum: 1 }, 'filter'), query('limit', { type: 'integer', minimum: 1, maximum: 500, default: 100 }, 'page size')],
      responses: { '200': ok(object({ deliveries: { type: 'array', items: ref('Delivery') } })), ...errors(400) },
    },
  },
  '/api/export/history.csv': {
    get: {
      summary: 'Metric history as CSV',
      parameters: [query('from', date, 'start (default to − 24 h)'), query('to', date, 'end (default now)'), query('bucket', { enum: ['minute', 'hour', 'day'] }, 'default minute'), { ...query('scope', { oneOf: [scope, { const: 'all' }] }, 'repeatable (up to 50), or all'), explode: true }, bom],
      responses: { '200': csv, ...errors(400, 429) },
    },
  },
  '/api/export/statements.csv': {
    get: { summary: 'Statements as CSV (the list filters; default range 30 days)', parameters: [...statementFilters, bom], responses: { '200': csv, ...errors(400, 429) } },
  },
};

/** Paths that answer before the read gate: anonymous reads always work. */
const UNGATED = new Set(['/api/health', '/api/session']);

/** Every /api read behind the read gate: open when reads are public, else a 401 without a session or token. */
function withReadGate(all: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(all).map(([p, ops]) => {
      if (!p.startsWith('/api/') || UNGATED.has(p) || !ops.get) return [p, ops];
      const get = ops.get as { security?: unknown; responses: Record<string, unknown> };
      return [p, { ...ops, get: { ...get, security: get.security ?? READ, responses: { ...get.responses, ...(get.responses['401'] ? {} : errors(401)) } } }];
    }),
  );
}

export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Brinkwatch API',
      version,
      description:
        'Escalation-risk monitor. Errors are always {"error": {"code", "message"}} with the right status. Unknown query parameters are a 400. ' +
        'Writes need a role (x-required-role): send a bearer token (the admin token or a user\'s API token), or the session cookie with the X-CSRF-Token header. ' +
        'Reads under /api need a session or token unless reads are public (BRINKWATCH_PUBLIC_READ, default on loopback).',
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    paths: withReadGate({ ...paths, ...AUTH_PATHS, ...DRILL_PATHS, ...SEARCH_PATHS }),
    components: {
      schemas: { ...SCHEMAS, ...ALERT_SCHEMAS, ...AUTH_SCHEMAS, ...DRILL_SCHEMAS, ...SEARCH_SCHEMAS },
      responses: Object.fromEntries(Object.entries(ERROR_TEXT).map(([c, description]) => [`E${c}`, { description, content: json(ref('Error')) }])),
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}
