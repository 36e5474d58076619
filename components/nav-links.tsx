'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export interface NavLinkItem {
  href: string;
  label: string;
}

/** The main links; the one for the current section carries aria-current="page" (and its style). */
export function NavLinks({ links }: { links: NavLinkItem[] }) {
  const pathname = usePathname() ?? '/';
  return (
    <nav className="nav-links" aria-label="Main">
      {links.map((l) => {
        const active = pathname === l.href || pathname.startsWith(`${l.href}/`);
        return (
          <Link key={l.href} href={l.href} aria-current={active ? 'page' : undefined}>
            {l.label}
          </Link>
        );
      })}
    </nav>
  );
}
