/**
 * Light or dark: by default the page follows the system (prefers-color-scheme, through CSS
 * light-dark()); the switch in the top bar pins one and remembers it in localStorage.
 * `data-theme` on <html> is what the CSS reads; "system" removes it.
 */

export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_KEY = 'brinkwatch-theme';
const CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

function storedChoice(): ThemeChoice {
  try {
    const v = localStorage.getItem(THEME_KEY);
    return CHOICES.includes(v as ThemeChoice) ? (v as ThemeChoice) : 'system';
  } catch {
    // Storage can be disabled (privacy mode, sandboxed frame): the system theme then applies.
    return 'system';
  }
}

/** The theme in effect: the pinned one, or what the system prefers. */
export function effectiveTheme(choice: ThemeChoice = storedChoice()): 'light' | 'dark' {
  if (choice !== 'system') return choice;
  return window.matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

function apply(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
  root.dataset.effectiveTheme = effectiveTheme(choice);
}

/** Applies the remembered choice at once (call before anything draws). */
export function applyStoredTheme(): void {
  apply(storedChoice());
}

/**
 * The switch: a labelled select (System / Light / Dark). `onChange` runs whenever the colours
 * in effect change, by the switch or by the system, so canvas drawings can follow.
 */
export function mountThemeSwitch(container: HTMLElement, onChange: () => void): HTMLSelectElement {
  const label = document.createElement('label');
  label.className = 'theme-switch';
  const text = document.createElement('span');
  text.className = 'theme-switch-text';
  text.textContent = 'Theme ';
  label.append(text);
  const select = document.createElement('select');
  select.id = 'theme-switch';
  for (const [value, text] of [['system', 'System'], ['light', 'Light'], ['dark', 'Dark']] as const) {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = text;
    select.append(o);
  }
  select.value = storedChoice();
  label.append(select);
  container.append(label);
  select.addEventListener('change', () => {
    const choice = CHOICES.includes(select.value as ThemeChoice) ? (select.value as ThemeChoice) : 'system';
    try {
      if (choice === 'system') localStorage.removeItem(THEME_KEY);
      else localStorage.setItem(THEME_KEY, choice);
    } catch (err) {
      console.warn('could not remember the theme', err);
    }
    apply(choice);
    onChange();
  });
  window.matchMedia('(prefers-color-scheme: light)').addEventListener('change', () => {
    apply(storedChoice());
    onChange();
  });
  return select;
}
