'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { createListAction } from './actions';

export function NewListForm() {
  const router = useRouter();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <form
      className="form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        start(async () => {
          const res = await createListAction({ name, description });
          if (!res.ok) return setError(res.fieldErrors?.name ?? res.error);
          router.push(`/lists/${res.data}`);
        });
      }}
    >
      <div className="field">
        <label htmlFor="list-name">Name</label>
        <input
          id="list-name"
          className="input"
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={120}
          aria-invalid={!!error}
          aria-describedby="list-name-error"
        />
        {error && (
          <p id="list-name-error" className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="list-description">Description (optional)</label>
        <textarea
          id="list-description"
          className="input"
          rows={2}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          maxLength={2000}
        />
      </div>
      <div>
        <button className="btn btn-primary" type="submit" disabled={pending}>
          {pending ? 'Creating…' : 'Create list'}
        </button>
      </div>
    </form>
  );
}
