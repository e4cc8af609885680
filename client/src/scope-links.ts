/** Links to the drill-down pages: every name on the dashboard leads to its actor, dyad or category. */
import { scopePath } from '../../server/metrics/drill-service.ts';
import { el } from './dom.ts';

export { scopePath };

/** How a scope's name reads on screen: underscores as spaces, a dyad with an arrow. */
export function displayName(name: string): string {
  return name.replace(/_/g, ' ').replace('>', ' → ');
}

/** A link to a scope's page, or plain text when the scope has no page (global). */
export function scopeLink(scope: string, text: string | Node = displayName(scope.slice(scope.indexOf(':') + 1))): HTMLElement {
  const href = scopePath(scope);
  if (!href) return el('span', {}, text);
  return el('a', { href, class: 'scope-link', 'data-scope': scope }, text);
}

/** A name in <bdi> (an Arabic or Hebrew name keeps its direction) linked to its page. */
function nameLink(scope: string, name: string, role: string): HTMLElement {
  return scopeLink(scope, el('bdi', { class: role }, displayName(name)));
}

/** "Russia → Ukraine, NATO": the speaker and each target linked (the speaker's dyad for a target). */
export function speakerTargetsLinks(speaker: string | null, targets: string[]): Array<Node | string> {
  const out: Array<Node | string> = [];
  if (speaker) out.push(nameLink(`actor:${speaker}`, speaker, 'speaker'));
  else out.push(el('bdi', { class: 'speaker' }, 'unknown speaker'));
  targets.forEach((t, i) => {
    out.push(i === 0 ? ' → ' : ', ');
    out.push(nameLink(speaker && speaker !== t ? `dyad:${speaker}>${t}` : `actor:${t}`, t, 'target'));
  });
  return out;
}
