/**
 * Loaded as a small blocking classic script in <head> (theme-boot.js), before the body is
 * parsed: a theme pinned with the switch applies from the first paint instead of flashing the
 * system theme until app.js runs. Keep it tiny and dependency-free.
 */
import { applyStoredTheme } from './theme.ts';

applyStoredTheme();
