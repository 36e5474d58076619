import Link from 'next/link';
import { SignOutButton } from './sign-out-button';

export interface NavUser {
  name: string | null;
  email: string | null;
  isAdmin: boolean;
}

export function NavBar({ user }: { user: NavUser | null }) {
  return (
    <header className="nav">
      <div className="container nav-inner">
        <Link href="/" className="brand">
          <span className="brand-mark" aria-hidden>
            ▶
          </span>
          Reel
        </Link>
        <nav className="nav-links" aria-label="Main">
          {user && <Link href="/for-you">For You</Link>}
          <Link href="/movies">Browse</Link>
          {user && <Link href="/watchlist">Watchlist</Link>}
          {user && <Link href="/lists">Lists</Link>}
          {user && <Link href="/ratings">My ratings</Link>}
          {user && <Link href="/diary">Diary</Link>}
          {user?.isAdmin && <Link href="/admin">Admin</Link>}
        </nav>
        <div className="nav-user">
          {user ? (
            <>
              <span data-testid="nav-user">{user.name ?? user.email}</span>
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
      </div>
    </header>
  );
}
