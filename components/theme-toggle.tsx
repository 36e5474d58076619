'use client';

import { useSyncExternalStore } from 'react';
import { THEME_COOKIE, type Theme } from '@/lib/ui/theme';

const CHANGED = 'reel-theme-change';

function effectiveTheme(): Theme {
  const set = document.documentElement.dataset.theme;
  if (set === 'light' || set === 'dark') return set;
  return window.matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

function subscribe(onChange: () => void): () => void {
  const mq = window.matchMedia('(prefers-color-scheme: light)');
  mq.addEventListener('change', onChange);
  window.addEventListener(CHANGED, onChange);
  return () => {
    mq.removeEventListener('change', onChange);
    window.removeEventListener(CHANGED, onChange);
  };
}

/** Switches between light and dark and remembers the choice for a year (cookie, read by the root layout). */
export function ThemeToggle() {
  // null on the server: the server does not know the system preference, so the label appears after hydration.
  const theme = useSyncExternalStore(subscribe, effectiveTheme, () => null);
  const next: Theme = theme === 'light' ? 'dark' : 'light';
  return (
    <button
      type="button"
      className="btn btn-ghost theme-toggle"
      data-testid="theme-toggle"
      data-theme-now={theme ?? undefined}
      aria-label={`Switch to ${next} theme`}
      title={`Switch to ${next} theme`}
      onClick={() => {
        document.documentElement.dataset.theme = next;
        document.cookie = `${THEME_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
        window.dispatchEvent(new Event(CHANGED));
      }}
    >
      <span aria-hidden>{theme === 'light' ? '☾' : '☀'}</span>
      <span className="theme-toggle-label">{theme === null ? 'Theme' : next === 'light' ? 'Light' : 'Dark'}</span>
    </button>
  );
}
