/**
 * JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of every body the API answers or accepts:
 * `components.schemas` of GET /api/openapi.json. Objects are closed (additionalProperties:
 * false) so the tests that validate real answers against them (test/ops/openapi.test.ts) notice
 * a field that is not documented. Times: ISO 8601 strings where the API gives strings, unix
 * milliseconds (integers) where it gives numbers.
 */
export type JsonSchema = Record<string, unknown>;

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
export const nullable = (type: string, extra: JsonSchema = {}): JsonSchema => ({ type: [type, 'null'], ...extra });
const iso = { type: 'string', format: 'date-time' };
const isoOrNull = nullable('string', { format: 'date-time' });
export const ms = { type: 'integer', description: 'unix milliseconds' };
export const msOrNull = nullable('integer', { description: 'unix milliseconds' });

/** A closed object whose every property is required unless listed in `optional`. */
export function object(properties: Record<string, JsonSchema>, optional: string[] = [], description?: string): JsonSchema {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    properties,
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    additionalProperties: false,
  };
}

const measure = {
  index: nullable('number', { minimum: 0, maximum: 100, description: 'recency- and severity-weighted mean score; null when fewer than minStatements' }),
  count: { type: 'integer', minimum: 0 },
  maxScore: nullable('number', { minimum: 0, maximum: 100 }),
  enoughData: { type: 'boolean' },
};

const span = (description: string) => object({ start: { type: 'integer', minimum: 0 }, end: { type: 'integer', minimum: 0 }, text: { type: 'string' } }, [], description);
const signal = object(
  {
    category: { type: 'string' },
    polarity: { enum: ['escalation', 'deescalation'], description: 'after modality' },
    weight: { type: 'number', minimum: 0 },
    modality: { enum: ['asserted', 'negated', 'denied', 'conditional', 'hedged', 'question', 'past', 'intended', 'addressed'] },
    text: { type: 'string', description: 'the statement text from start to end (UTF-16 offsets)' },
    start: { type: 'integer', minimum: 0 },
    end: { type: 'integer', minimum: 0 },
    condition: span('languages other than English: the conditional cue word ("Если") of a conditional signal'),
    target: span('languages other than English: the nearest mention of a target in the signal\'s sentence ("НАТО")'),
  },
  ['condition', 'target'],
);

export const SCHEMAS: Record<string, JsonSchema> = {
  Error: object(
    {
      error: object(
        {
          code: { type: 'string', description: 'kebab-case, e.g. invalid-query, unauthorized, not-found' },
          message: { type: 'string', description: 'what was wrong, naming the parameter or field' },
          details: { type: 'object', description: 'per-field problems (fields, issues, suggestions) when there are several' },
        },
        ['details'],
      ),
    },
    [],
    'The one error envelope of every /api error.',
  ),
  Signal: signal,
  Statement: object({
    id: { type: 'integer' },
    externalId: nullable('string'),
    text: { type: 'string' },
    speaker: nullable('string'),
    targets: { type: 'array', items: { type: 'string' } },
    source: nullable('string'),
    url: nullable('string'),
    publishedAt: isoOrNull,
    receivedAt: iso,
    occurredAt: iso,
    origin: { type: 'string', enum: ['api', 'inbox', 'feed', 'cli', 'demo'] },
    isDemo: { type: 'boolean' },
    status: { enum: ['pending', 'scored', 'failed', 'unsupported'] },
    score: nullable('number', { minimum: 0, maximum: 100 }),
    level: nullable('string'),
    signals: { type: 'array', items: ref('Signal') },
    scorerVersion: nullable('string'),
    lang: nullable('string', { description: 'ISO 639-1 or und; null until decided' }),
    langMixed: {
      type: ['array', 'null'],
      items: { enum: ['Latin', 'Cyrillic', 'Arabic', 'Han'] },
      description: 'a scored statement with a large share of its letters in other scripts than its language\'s: those scripts (it was scored by its main language, lang, only); null otherwise',
    },
    feedback: { type: 'array', items: ref('Feedback'), description: 'analysts\' feedback on the score, oldest first' },
    highlights: ref('SearchHighlights'),
    rank: { type: 'number', description: 'a search sorted by relevance: lower is better; comparable only within one search (bm25 rank on SQLite, minus ts_rank_cd on PostgreSQL)' },
  }, ['highlights', 'rank']),
  StatementInput: object(
    {
      text: { type: 'string', maxLength: 20_000 },
      speaker: nullable('string', { maxLength: 500 }),
      source: nullable('string', { maxLength: 500 }),
      url: nullable('string', { maxLength: 2048 }),
      publishedAt: { type: ['string', 'integer', 'null'], description: 'ISO 8601 or unix ms' },
      externalId: { type: ['string', 'number', 'null'], description: 'the same externalId is stored once' },
    },
    ['speaker', 'source', 'url', 'publishedAt', 'externalId'],
  ),
  IngestResult: object({
    accepted: {
      type: 'array',
      items: object({ index: { type: 'integer' }, id: { type: 'integer' }, duplicate: { type: 'boolean' } }),
    },
    rejected: {
      type: 'array',
      items: object({ index: { type: 'integer' }, code: { type: 'string' }, message: { type: 'string' } }),
    },
  }),
  Measure: object(measure),
  WindowMeasure: object({
    window: { type: 'string' },
    windowMs: { type: 'integer' },
    ...measure,
    trend: object({
      previous: ref('Measure'),
      delta: nullable('number'),
      direction: { enum: ['up', 'down', 'flat', null] },
    }),
  }),
  CurrentMetrics: object({
    at: iso,
    scope: { type: 'string' },
    minStatements: { type: 'integer' },
    windows: { type: 'object', additionalProperties: ref('WindowMeasure') },
  }),
  ScopeRanking: object({ scope: { type: 'string' }, name: { type: 'string' }, ...measure }),
  TopScopes: object({
    at: iso,
    window: { type: 'string' },
    minStatements: { type: 'integer' },
    actor: { type: 'array', items: ref('ScopeRanking') },
    dyad: { type: 'array', items: ref('ScopeRanking') },
    category: { type: 'array', items: ref('ScopeRanking') },
  }),
  RollingSeries: object({
    scope: { type: 'string' },
    window: { type: 'string' },
    step: { type: 'string' },
    from: iso,
    to: iso,
    points: { type: 'array', items: object({ t: iso, ...measure }) },
  }),
  HistorySeries: object({
    scope: { type: 'string' },
    bucket: { enum: ['minute', 'hour', 'day'] },
    from: iso,
    to: iso,
    points: { type: 'array', items: object({ t: iso, index: measure.index, count: measure.count, maxScore: measure.maxScore }) },
  }),
  Health: {
    type: 'object',
    description: '503 when status is failing. `checks` may grow; each check is an object.',
    properties: {
      status: { enum: ['ok', 'degraded', 'failing'] },
      reasons: {
        type: 'array',
        items: object({
          code: { type: 'string', description: 'kebab-case and stable (database-not-writable, scoring-behind, ...): what monitors match on' },
          severity: { enum: ['degraded', 'failing'] },
          message: { type: 'string' },
        }),
      },
      version: { type: 'string' },
      scorerVersion: { type: 'string' },
      uptimeSeconds: { type: 'integer' },
      statements: { type: 'object', additionalProperties: { type: 'integer' }, required: ['pending', 'scored', 'failed'] },
      realtimeClients: { type: 'integer' },
      checkedAt: iso,
      checks: {
        type: 'object',
        additionalProperties: { type: 'object' },
        properties: {
          database: object({
            engine: { enum: ['sqlite', 'postgres'], description: 'which store answers (BRINKWATCH_DATABASE_URL selects postgres)' },
            file: { type: 'string', description: 'the SQLite file, or the PostgreSQL URL without its password' },
            writable: nullable('boolean', { description: 'the write probe; null while another writer holds the lock (busy)' }),
            busy: { type: 'boolean' },
            sizeBytes: nullable('integer', { description: 'PostgreSQL: pg_database_size of the database; null on SQLite' }),
          }),
          disk: object({
            path: { type: 'string', description: "the data folder; 'postgres' when not checked" },
            checked: { type: 'boolean', description: 'false on PostgreSQL: no database file here, the database server watches its own disk' },
            freeBytes: nullable('integer'),
            totalBytes: nullable('integer'),
            thresholdBytes: { type: 'integer' },
          }),
        },
      },
      node: object(
        {
          id: { type: 'string', description: 'BRINKWATCH_NODE_ID (default hostname:pid)' },
          leader: { type: 'boolean', description: 'whether this node runs the one-at-a-time jobs (alert evaluation, outbox, feed polling, retention, demo trickle) now (its own view, refreshed every 2 s on PostgreSQL); on SQLite, one node, always true once started' },
          leaderSince: isoOrNull,
          store: { enum: ['sqlite', 'postgres'] },
          realtime: { enum: ['memory', 'redis', 'postgres'], description: "how the live stream reaches other nodes' browsers; 'memory': it does not (one node)" },
        },
        [],
        'the node that answered (behind a load balancer, any of them), read without a database query',
      ),
    },
    required: ['status', 'reasons', 'version', 'scorerVersion', 'uptimeSeconds', 'statements', 'realtimeClients', 'checkedAt', 'checks', 'node'],
    additionalProperties: false,
  },
  Feed: object({
    id: { type: 'integer' },
    name: { type: 'string' },
    url: { type: 'string' },
    intervalSeconds: { type: 'integer' },
    origin: { enum: ['config', 'api'] },
    health: object({
      status: { enum: ['pending', 'ok', 'failing'] },
      lastAttemptAt: isoOrNull,
      lastSuccessAt: isoOrNull,
      lastErrorAt: isoOrNull,
      lastError: nullable('string', { description: 'in general terms unless the admin token is sent' }),
      lastErrorCode: nullable('string'),
      lastHttpStatus: nullable('integer'),
      consecutiveFailures: { type: 'integer' },
      nextAttemptAt: iso,
      itemsStored: { type: 'integer' },
      lastItemCount: nullable('integer'),
    }),
  }),
  FeedInput: object(
    {
      name: { type: 'string', minLength: 1, maxLength: 200 },
      url: { type: 'string', maxLength: 2048, description: 'absolute http(s) URL without credentials' },
      intervalSeconds: { type: 'integer', minimum: 30, maximum: 604_800, default: 300 },
    },
    ['intervalSeconds'],
  ),
};
