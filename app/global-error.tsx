'use client';

// Replaces the root layout when the layout itself fails (it reads the session from the database), so it brings its
// own <html>, <body> and minimal styles: globals.css is not guaranteed to have loaded.
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body style={{ margin: 0, fontFamily: 'system-ui, sans-serif', background: '#0e1116', color: '#e8ecf2' }}>
        <main style={{ maxWidth: 560, margin: '80px auto', padding: '0 20px' }}>
          <h1>Reel is having trouble</h1>
          <p>
            The page could not be shown, most likely because the database did not answer. Nothing you saved is lost.
            {error.digest ? ` Reference: ${error.digest}.` : ''}
          </p>
          <p style={{ display: 'flex', gap: 12 }}>
            <button
              onClick={reset}
              style={{
                font: 'inherit',
                padding: '8px 16px',
                borderRadius: 999,
                border: 0,
                background: '#f5b83d',
                color: '#14110a',
                fontWeight: 600,
                cursor: 'pointer',
              }}
            >
              Try again
            </button>
            {/* A plain link: the app's router may be what failed. */}
            {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
            <a href="/" style={{ color: '#ffcb5c', alignSelf: 'center' }}>
              Go to the home page
            </a>
          </p>
        </main>
      </body>
    </html>
  );
}
