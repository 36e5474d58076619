import Link from 'next/link';
import { SignOutButton } from './sign-out-button';
import { NavLinks, type NavLinkItem } from './nav-links';
import { NavMenu } from './nav-menu';
import { NavSearch } from './nav-search';
import { ThemeToggle } from './theme-toggle';

export interface NavUser {
  name: string | null;
  email: string | null;
  isAdmin: boolean;
}

export function NavBar({ user }: { user: NavUser | null }) {
  const links: NavLinkItem[] = [
    ...(user ? [{ href: '/for-you', label: 'For You' }] : []),
    { href: '/movies', label: 'Browse' },
    ...(user ? [{ href: '/rate', label: 'Rate more' }] : []),
    ...(user ? [{ href: '/watchlist', label: 'Watchlist' }] : []),
    ...(user ? [{ href: '/lists', label: 'Lists' }] : []),
    ...(user ? [{ href: '/ratings', label: 'My ratings' }] : []),
    ...(user ? [{ href: '/diary', label: 'Diary' }] : []),
    ...(user?.isAdmin ? [{ href: '/admin', label: 'Admin' }] : []),
  ];
  return (
    <header className="nav">
      <div className="container nav-inner">
        <Link href="/" className="brand">
          <span className="brand-mark" aria-hidden>
            ▶
          </span>
          Reel
        </Link>
        <NavMenu>
          <NavSearch />
          <NavLinks links={links} />
          <div className="nav-user">
            <ThemeToggle />
            {user ? (
              <>
                <span data-testid="nav-user" className="nav-user-name">
                  {user.name ?? user.email}
                </span>
                <Link href="/settings">Settings</Link>
                <SignOutButton />
              </>
            ) : (
              <>
                <Link href="/sign-in" className="btn btn-ghost">
                  Sign in
                </Link>
                <Link href="/sign-up" className="btn btn-primary">
                  Create account
                </Link>
              </>
            )}
          </div>
        </NavMenu>
      </div>
    </header>
  );
}
