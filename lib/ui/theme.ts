// The theme the member picked: remembered in a cookie so the server renders the right colours on the first paint.
// No cookie → follow prefers-color-scheme (CSS). Client-safe.
export const THEME_COOKIE = 'reel-theme';
export type Theme = 'light' | 'dark';

export function parseTheme(value: string | undefined | null): Theme | null {
  return value === 'light' || value === 'dark' ? value : null;
}
