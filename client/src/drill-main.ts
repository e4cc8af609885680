/**
 * The entry of the drill-down pages: /actor/NAME, /dyad/SPEAKER/TARGET, /category/NAME (a
 * scope's page, drill-page.ts) and /alert/ID (an alert's story, alert-story.ts).
 */
import { mountAlertStory } from './alert-story.ts';
import { mountScopePage } from './drill-page.ts';
import { setZoneMode } from './time-zone.ts';
import { readUrlView } from './url-state.ts';

const main = document.querySelector('#drill-main') as HTMLElement;
const parts = location.pathname.split('/').filter(Boolean).map((p) => {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
});
setZoneMode(readUrlView(location.search).tz);

if (parts[0] === 'alert' && parts.length === 2) void mountAlertStory(main, parts[1]!);
else if ((parts[0] === 'actor' || parts[0] === 'category') && parts.length === 2) void mountScopePage(main, parts[0], parts[1]!);
else if (parts[0] === 'dyad' && parts.length === 3) void mountScopePage(main, 'dyad', `${parts[1]}>${parts[2]}`);
else {
  (document.querySelector('#drill-title') as HTMLElement).textContent = 'No such page';
  main.removeAttribute('aria-busy');
}
