import type { UrlGuard } from '../ingest/url-guard.ts';
import type { RuleFields } from '../store/alerts-repo.ts';
import type { ScopeChecker } from './rule-scope.ts';
import { parseRule, type FieldErrors } from './rule-schema.ts';
import { checkWebhookUrl } from './webhook-sender.ts';

export type Result<T> =
  | { ok: true; value: T }
  | { ok: false; code: string; message: string; fields?: FieldErrors; suggestions?: Record<string, string[]> };

/**
 * Validates a rule body beyond its schema: the scope (canonical, able to fire), e-mail only
 * when SMTP is configured, webhook URLs through the private-address guard. Every problem is
 * listed per field at once.
 */
export function createRuleValidator(deps: { guard: UrlGuard; scopes?: ScopeChecker; blockPrivateUrls?: boolean; emailConfigured?: boolean }) {
  /**
   * Parses a rule body. `allowUnknownScope: true` (a request option, not stored) accepts an
   * actor not seen yet; a scope equal to the rule's current one (`keepScope`) is not checked
   * again, so editing a rule's thresholds never fails on a scope accepted before.
   */
  return async function validate(input: unknown, keepScope?: string): Promise<Result<RuleFields>> {
    let allowUnknownScope = false;
    const fields: FieldErrors = {};
    if (typeof input === 'object' && input !== null && !Array.isArray(input) && 'allowUnknownScope' in input) {
      const { allowUnknownScope: flag, ...rest } = input as Record<string, unknown>;
      if (typeof flag === 'boolean') allowUnknownScope = flag;
      else fields.allowUnknownScope = ['must be true or false'];
      input = rest;
    }
    const parsed = parseRule(input);
    if (!parsed.ok) Object.assign(fields, parsed.fields);
    const suggestions: Record<string, string[]> = {};
    if (parsed.ok) {
      if (deps.scopes && parsed.value.scope !== keepScope) {
        const check = deps.scopes.check(parsed.value.scope, { allowUnknown: allowUnknownScope });
        if (check.ok) parsed.value.scope = check.scope;
        else {
          (fields.scope ??= []).push(check.message);
          if (check.suggestions.length > 0) suggestions.scope = check.suggestions;
        }
      }
      for (const [i, c] of parsed.value.channels.entries()) {
        if (c.type === 'email' && !deps.emailConfigured) {
          (fields[`channels.${i}.to`] ??= []).push('e-mail is not configured on this server (set BRINKWATCH_SMTP_URL)');
        }
        if (c.type === 'webhook' && deps.blockPrivateUrls) {
          const check = await checkWebhookUrl(deps.guard, c.url);
          if (!check.ok) (fields[`channels.${i}.url`] ??= []).push(`is refused: ${check.reason}`);
        }
      }
    }
    if (!parsed.ok || Object.keys(fields).length > 0) {
      const message = Object.entries(fields)
        .map(([k, ms]) => `${k}: ${ms.join(', ')}`)
        .join('; ');
      return { ok: false, code: 'invalid-rule', message, fields, ...(Object.keys(suggestions).length > 0 ? { suggestions } : {}) };
    }
    return { ok: true, value: parsed.value };
  }
}
