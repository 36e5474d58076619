'use client';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="empty" style={{ marginTop: 40 }}>
      <h1>Something broke on our side</h1>
      <p>The error was logged{error.digest ? ` (reference ${error.digest})` : ''}. Try again in a moment.</p>
      <button className="btn" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
