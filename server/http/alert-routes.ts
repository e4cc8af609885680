import express, { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { AlertService, Result } from '../alerts/alert-service.ts';
import { maskDeliveryView, maskRuleView, type DeliveryView, type RuleView } from '../alerts/alert-views.ts';
import { HttpError } from './http-errors.ts';
import { intParam, parseQuery } from './query-params.ts';

const STATUS: Record<string, number> = {
  'not-found': 404,
  'invalid-rule': 400,
  'invalid-body': 400,
  'not-firing': 409,
  'already-acknowledged': 409,
};

function unwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  const details = r.fields || r.suggestions ? { ...(r.fields ? { fields: r.fields } : {}), ...(r.suggestions ? { suggestions: r.suggestions } : {}) } : undefined;
  throw new HttpError(STATUS[r.code] ?? 400, r.code, r.message, details);
}

function idParam(raw: unknown): number {
  const text = typeof raw === 'string' ? raw : '';
  const id = Number(text);
  if (!/^\d{1,15}$/.test(text) || !Number.isSafeInteger(id) || id < 1) {
    throw new HttpError(400, 'invalid-id', 'id must be a positive integer');
  }
  return id;
}

const jsonBody: RequestHandler[] = [
  (req, _res, next) => {
    if (!req.is('application/json')) return next(new HttpError(415, 'unsupported-media-type', 'send the body as Content-Type: application/json'));
    next();
  },
  express.json({ limit: '64kb', strict: false }),
];

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const fields: Record<string, string[]> = {};
  for (const i of r.error.issues) (fields[i.path.join('.') || 'body'] ??= []).push(i.message);
  const message = Object.entries(fields).map(([k, ms]) => `${k}: ${ms.join(', ')}`).join('; ');
  throw new HttpError(400, 'invalid-body', message, { fields });
}

const ackSchema = z.strictObject({
  reason: z.string({ message: 'is required: say why' }).trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
  by: z.string({ message: 'must be a string' }).trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').optional(),
});

const silenceSchema = z.strictObject({
  until: z.union([z.number().int(), z.string()], { message: 'is required: an ISO 8601 date or epoch milliseconds' }).transform((v, ctx) => {
    const ms = typeof v === 'number' ? v : Date.parse(v);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: 'is not a valid date (use ISO 8601 or epoch milliseconds)' });
      return z.NEVER;
    }
    return ms;
  }),
  reason: z.string({ message: 'must be a string' }).trim().max(500, 'must be at most 500 characters').optional(),
});

const alertListSchema = z.object({
  state: z
    .enum(['open', 'pending', 'firing', 'acknowledged', 'unacknowledged', 'resolved', 'cancelled'], {
      message: 'must be open, pending, firing, acknowledged, unacknowledged, resolved or cancelled',
    })
    .optional(),
  ruleId: intParam(1, Number.MAX_SAFE_INTEGER).optional(),
  before: intParam(1, Number.MAX_SAFE_INTEGER).optional(),
  limit: intParam(1, 500).optional(),
});

const deliveryListSchema = z.object({
  status: z.enum(['pending', 'delivered', 'dead'], { message: 'must be pending, delivered or dead' }).optional(),
  alertId: intParam(1, Number.MAX_SAFE_INTEGER).optional(),
  limit: intParam(1, 500).optional(),
});

/**
 * Alert rules (CRUD, silence), alerts (list, events, deliveries, ack). Writes need the token.
 * Webhook URLs are secrets (a Slack incoming-webhook URL lets anyone post): reads mask them
 * (maskUrl) unless `canSeeSecrets` says the request is the admin's; writes need the token, so
 * their answers show them in full.
 */
export function createAlertRoutes(deps: {
  alerts: AlertService;
  requireToken: RequestHandler;
  writeLimit?: RequestHandler;
  canSeeSecrets?: (req: Request) => boolean;
  /** Guard for acknowledging alerts (analysts may ack; rules need admin); requireToken when omitted. */
  requireAck?: RequestHandler;
}): Router {
  const router = Router();
  const admin = (req: Request) => deps.canSeeSecrets?.(req) ?? false;
  const rulesFor = (req: Request, rules: RuleView[]) => (admin(req) ? rules : rules.map(maskRuleView));
  const deliveriesFor = (req: Request, list: DeliveryView[]) => (admin(req) ? list : list.map(maskDeliveryView));
  // Rate limit first (before the token check), as for every write route.
  const limit: RequestHandler = deps.writeLimit ?? ((_req, _res, next) => next());
  const write = [limit, deps.requireToken, ...jsonBody];
  const remove = [limit, deps.requireToken];

  router.get('/api/alert-rules', (req, res) => {
    res.json({ rules: rulesFor(req, deps.alerts.listRules()) });
  });
  router.get('/api/alert-rules/:id', (req, res) => {
    const id = idParam(req.params.id);
    const rule = deps.alerts.getRule(id);
    if (!rule) throw new HttpError(404, 'not-found', `no alert rule ${id}`);
    res.json({ rule: rulesFor(req, [rule])[0] });
  });
  router.post('/api/alert-rules', ...write, async (req, res) => {
    res.status(201).json({ rule: unwrap(await deps.alerts.createRule(req.body)) });
  });
  router.put('/api/alert-rules/:id', ...write, async (req, res) => {
    res.json({ rule: unwrap(await deps.alerts.updateRule(idParam(req.params.id), req.body)) });
  });
  router.delete('/api/alert-rules/:id', ...remove, (req, res) => {
    unwrap(deps.alerts.deleteRule(idParam(req.params.id)));
    res.status(204).end();
  });
  router.post('/api/alert-rules/:id/silence', ...write, (req, res) => {
    const id = idParam(req.params.id);
    const b = parseBody(silenceSchema, req.body);
    res.json({ rule: unwrap(deps.alerts.silenceRule(id, b.until, b.reason ?? null)) });
  });
  router.delete('/api/alert-rules/:id/silence', ...remove, (req, res) => {
    res.json({ rule: unwrap(deps.alerts.silenceRule(idParam(req.params.id), null, null)) });
  });

  router.get('/api/alerts', (req, res) => {
    const q = parseQuery(alertListSchema, req.query);
    const limit = q.limit ?? 100;
    const alerts = deps.alerts.listAlerts({ state: q.state, ruleId: q.ruleId, beforeId: q.before, limit: limit + 1 });
    const page = alerts.slice(0, limit);
    res.json({ alerts: page, nextBefore: alerts.length > limit ? page[page.length - 1]!.id : null });
  });
  router.get('/api/alerts/:id', (req, res) => {
    const id = idParam(req.params.id);
    const alert = deps.alerts.getAlert(id);
    if (!alert) throw new HttpError(404, 'not-found', `no alert ${id}`);
    res.json({ alert });
  });
  router.get('/api/alerts/:id/events', (req, res) => {
    const id = idParam(req.params.id);
    const events = deps.alerts.events(id);
    if (!events) throw new HttpError(404, 'not-found', `no alert ${id}`);
    res.json({ events });
  });
  router.get('/api/alerts/:id/deliveries', (req, res) => {
    const id = idParam(req.params.id);
    if (!deps.alerts.getAlert(id)) throw new HttpError(404, 'not-found', `no alert ${id}`);
    res.json({ deliveries: deliveriesFor(req, deps.alerts.deliveries({ alertId: id })) });
  });
  router.post('/api/alerts/:id/ack', limit, deps.requireAck ?? deps.requireToken, ...jsonBody, (req, res) => {
    const id = idParam(req.params.id);
    const b = parseBody(ackSchema, req.body);
    // A signed-in user (or a user's token) is who acknowledged: the free-text `by` is only for the bootstrap token.
    const user = res.locals.user as { id: number; name: string } | null | undefined;
    const by = user && user.id !== 0 ? user.name : (b.by ?? null);
    res.json({ alert: unwrap(deps.alerts.ack(id, { reason: b.reason, by })) });
  });
  router.get('/api/deliveries', (req, res) => {
    const q = parseQuery(deliveryListSchema, req.query);
    res.json({ deliveries: deliveriesFor(req, deps.alerts.deliveries({ status: q.status, alertId: q.alertId, limit: q.limit ?? 100 })) });
  });

  return router;
}
