import '@fontsource-variable/inter';
import './globals.css';
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import Link from 'next/link';
import { Providers } from '@/components/providers';
import { NavBar } from '@/components/nav-bar';
import { getCurrentUser } from '@/lib/server/auth';

export const metadata: Metadata = {
  title: { default: 'Reel — movies picked for you', template: '%s · Reel' },
  description: 'Rate movies, keep a watchlist and get a personal For You feed.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await getCurrentUser();
  return (
    <html lang="en">
      <body>
        <Providers>
          <NavBar user={user && { name: user.name, email: user.email, isAdmin: user.role === 'ADMIN' }} />
          <main className="container">{children}</main>
          <footer className="footer">
            <div className="container">
              Ratings data from MovieLens (GroupLens); metadata from TMDB. This product uses the TMDB API but is not
              endorsed or certified by TMDB. <Link href="/about">About &amp; credits</Link>
            </div>
          </footer>
        </Providers>
      </body>
    </html>
  );
}
