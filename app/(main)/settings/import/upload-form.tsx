'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';

export function UploadForm({ maxBytes }: { maxBytes: number }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setError(null);
    const file = (e.currentTarget.elements.namedItem('file') as HTMLInputElement).files?.[0];
    if (!file) return setError('Choose a file to upload.');
    if (file.size > maxBytes) {
      return setError(`That file is ${(file.size / 1024 / 1024).toFixed(1)} MB; the limit is ${maxBytes / 1024 / 1024} MB. Upload the CSV files you need one by one.`);
    }
    setBusy(true);
    try {
      const body = new FormData();
      body.set('file', file);
      const res = await fetch('/api/import', { method: 'POST', body });
      const json = (await res.json().catch(() => null)) as { ok: boolean; importId?: number; error?: string } | null;
      if (!json?.ok || !json.importId) {
        setError(json?.error ?? `The upload failed (${res.status}). Try again.`);
        return;
      }
      router.push(`/settings/import/${json.importId}`);
    } catch {
      setError('The upload did not reach Reel. Check your connection and try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="file-drop" onSubmit={submit} data-testid="import-upload">
      <label htmlFor="import-file">Export file (.zip or .csv, up to {maxBytes / 1024 / 1024} MB)</label>
      <input id="import-file" name="file" type="file" accept=".zip,.csv,text/csv,application/zip" required />
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div>
        <button className="btn btn-primary" type="submit" disabled={busy}>
          {busy ? 'Reading the file…' : 'Preview import'}
        </button>
      </div>
    </form>
  );
}
