import type { RunningServer } from './spawn-server.ts';

/** A statement long enough to be clamped with "Show more" (about 3,000 characters). */
export const LONG_STATEMENT =
  'The defence ministry said in a lengthy statement that it would respond to any further provocation along the border with all available means, ' +
  'listing in detail the incidents of the past month, the drills held near the frontier, the movement of armour and artillery, the closure of airspace and ' +
  'the warnings already passed through diplomatic channels. '.repeat(12) +
  'It closed by saying that the final paragraph of this statement is only visible once the reader asks for more.';

export const ARABIC_STATEMENT = 'هددت الحكومة بضرب أي قوات أجنبية تعبر الحدود، وقالت إن الرد سيكون فوريا.';
export const ARABIC_SPEAKER = 'وزارة الدفاع';

const STATEMENTS = [
  { text: 'If NATO troops appear on Ukrainian soil, they will be considered combatants and targeted accordingly, the Kremlin warned.', speaker: 'Russia' },
  { text: 'Both sides agreed to a ceasefire and to resume talks in Geneva next week.', speaker: 'Ukraine' },
  { text: 'The ministry denied any plans to strike the port.', speaker: 'Iran' },
  { text: 'We will not hesitate to use nuclear weapons if our territory is attacked.', speaker: 'North Korea' },
  { text: 'China announced new sanctions on defence firms and warned of further countermeasures.', speaker: 'China', source: 'State media' },
  { text: 'Israel said it struck targets in southern Lebanon overnight.', speaker: 'Israel' },
  { text: 'The foreign minister met her counterpart to discuss humanitarian aid and the release of prisoners.', speaker: 'France' },
  { text: 'Poland expelled two Russian diplomats over alleged espionage, the foreign ministry said.', speaker: 'Poland' },
  { text: LONG_STATEMENT, speaker: 'Russia', source: 'Defence ministry' },
  { text: ARABIC_STATEMENT, speaker: ARABIC_SPEAKER, source: 'وكالة الأنباء' },
];

async function api(server: RunningServer, method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
  return res;
}

/** A rule that fires on the first threat, then the statements above (English, Arabic, a long one). */
export async function seedDashboard(server: RunningServer): Promise<void> {
  await api(server, 'POST', '/api/alert-rules', {
    name: 'Any threat in the last hour', scope: 'global', window: '1h', metric: 'max', threshold: 30, recoverBelow: 20, minStatements: 1, forSeconds: 0, severity: 'critical',
  });
  // Spread over the last hour, so the chart shows one dot (of its level's shape) per minute.
  const now = Date.now();
  const spread = STATEMENTS.map((st, i) => ({ ...st, publishedAt: new Date(now - (STATEMENTS.length - i) * 5 * 60_000).toISOString() }));
  await api(server, 'POST', '/api/statements', { statements: spread });
}

export const SEEDED_COUNT = STATEMENTS.length;

export function postStatements(server: RunningServer, statements: Array<{ text: string; speaker?: string }>): Promise<Response> {
  return api(server, 'POST', '/api/statements', { statements });
}
