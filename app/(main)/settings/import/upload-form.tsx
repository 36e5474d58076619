'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';

type UploadAnswer = { ok: boolean; importId?: number; error?: string } | null;

/** POST with upload progress (fetch has none): resolves with the status and the JSON answer. */
function send(body: FormData, onProgress: (p: number) => void): Promise<{ status: number; json: UploadAnswer }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/import');
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => resolve({ status: xhr.status, json: xhr.response as UploadAnswer });
    xhr.onerror = () => reject(new Error('network'));
    xhr.send(body);
  });
}

export function UploadForm({ maxBytes }: { maxBytes: number }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** Upload progress 0–1; 1 while the server reads and matches the file. */
  const [progress, setProgress] = useState<number | null>(null);

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setError(null);
    const file = (e.currentTarget.elements.namedItem('file') as HTMLInputElement).files?.[0];
    if (!file) return setError('Choose a file to upload.');
    if (file.size > maxBytes) {
      return setError(
        `That file is ${(file.size / 1024 / 1024).toFixed(1)} MB; the limit is ${maxBytes / 1024 / 1024} MB. Upload the CSV files you need one by one.`,
      );
    }
    setBusy(true);
    setProgress(0);
    try {
      const body = new FormData();
      body.set('file', file);
      const { status, json } = await send(body, setProgress);
      if (!json?.ok || !json.importId) {
        setError(json?.error ?? `The upload failed (${status}). Try again.`);
        return;
      }
      router.push(`/settings/import/${json.importId}`);
    } catch {
      setError('The upload did not reach Reel. Check your connection and try again.');
    } finally {
      setBusy(false);
      setProgress(null);
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
      <div style={{ display: 'flex', gap: 12, alignItems: 'center', flexWrap: 'wrap' }}>
        <button className="btn btn-primary" type="submit" disabled={busy}>
          {busy ? (progress !== null && progress < 1 ? 'Uploading…' : 'Reading and matching…') : 'Preview import'}
        </button>
        {progress !== null && (
          <progress
            max={1}
            value={progress < 1 ? progress : undefined}
            aria-label={progress < 1 ? `Uploading, ${Math.round(progress * 100)} %` : 'Reading and matching the films'}
            data-testid="import-progress"
          />
        )}
      </div>
    </form>
  );
}
