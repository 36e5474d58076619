'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/settings', label: 'Account' },
  { href: '/settings/import', label: 'Import' },
  { href: '/settings/export', label: 'Export' },
];

export function SettingsNav() {
  const path = usePathname();
  return (
    <nav className="settings-nav" aria-label="Settings">
      {LINKS.map((l) => {
        const current = l.href === '/settings' ? path === '/settings' : path.startsWith(l.href);
        return (
          <Link key={l.href} href={l.href} aria-current={current ? 'page' : undefined}>
            {l.label}
          </Link>
        );
      })}
    </nav>
  );
}
