import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="empty" style={{ marginTop: 40 }}>
      <h1>Not found</h1>
      <p>That page or movie is not here. </p>
      <Link className="btn" href="/movies">
        Browse movies
      </Link>
    </div>
  );
}
