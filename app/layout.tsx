import '@fontsource-variable/inter';
import './globals.css';
import './ux.css';
import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import Link from 'next/link';
import { cookies } from 'next/headers';
import { THEME_COOKIE, parseTheme } from '@/lib/ui/theme';
import { Providers } from '@/components/providers';
import { NavBar } from '@/components/nav-bar';
import { getCurrentUser } from '@/lib/server/auth';

export const metadata: Metadata = {
  title: { default: 'Reel — movies picked for you', template: '%s · Reel' },
  description: 'Rate movies, keep a watchlist and get a personal For You feed.',
  applicationName: 'Reel',
  manifest: '/manifest.webmanifest',
  icons: {
    icon: [
      { url: '/favicon.ico', sizes: '32x32' },
      { url: '/icon.svg', type: 'image/svg+xml' },
    ],
    apple: '/apple-touch-icon.png',
  },
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: dark)', color: '#0e1116' },
    { media: '(prefers-color-scheme: light)', color: '#f7f5f0' },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const [user, jar] = await Promise.all([getCurrentUser(), cookies()]);
  const theme = parseTheme(jar.get(THEME_COOKIE)?.value);
  return (
    <html lang="en" data-theme={theme ?? undefined}>
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
