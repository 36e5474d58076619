'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useState, type ReactNode } from 'react';

/**
 * On narrow screens the nav's links, search and account controls fold behind a Menu button; from 768 px up they are
 * always shown (CSS). The menu closes on navigation so a tap on a link does not leave it covering the page.
 */
export function NavMenu({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  const [lastPath, setLastPath] = useState(pathname);
  if (pathname !== lastPath) {
    setLastPath(pathname);
    setOpen(false);
  }
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  return (
    <>
      <button
        type="button"
        className="btn btn-ghost nav-toggle"
        aria-expanded={open}
        aria-controls="nav-menu"
        data-testid="nav-toggle"
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden>{open ? '✕' : '☰'}</span> Menu
      </button>
      <div id="nav-menu" className="nav-collapse" data-open={open}>
        {children}
      </div>
    </>
  );
}
