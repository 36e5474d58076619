'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { listKeys } from '@/lib/queries/keys';
import type { ListMembership } from '@/lib/validation/lists';
import '@/app/(main)/library.css';
import { createListWithMovieAction, listMembershipsAction, setListMembershipAction } from '@/app/(main)/lists/actions';

/**
 * The member's lists with a checkbox each for one movie (saved at once, optimistic) and a "New list" field that
 * creates a list holding it. Reads the lists when mounted. Shared by the movie page's menu and the cards' dialog.
 */
export function ListMemberships({ movieId, large = false }: { movieId: number; large?: boolean }) {
  const [newName, setNewName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const qc = useQueryClient();
  const key = listKeys.memberships(movieId);
  const lists = useQuery({
    queryKey: key,
    queryFn: async () => {
      const res = await listMembershipsAction({ movieId });
      if (!res.ok) throw new Error(res.error);
      return res.data;
    },
  });
  const toggle = useMutation({
    mutationFn: async ({ listId, on }: { listId: number; on: boolean }) => {
      const res = await setListMembershipAction({ listId, movieId, on });
      if (!res.ok) throw new Error(res.error);
    },
    onMutate: ({ listId, on }) => {
      setError(null);
      const previous = qc.getQueryData<ListMembership[]>(key);
      qc.setQueryData<ListMembership[]>(key, (l) => l?.map((x) => (x.id === listId ? { ...x, has: on } : x)));
      return { previous };
    },
    onError: (err, _v, ctx) => {
      qc.setQueryData(key, ctx?.previous);
      setError(err instanceof Error ? err.message : 'That did not save. Try again.');
    },
  });
  const create = useMutation({
    mutationFn: async (name: string) => {
      const res = await createListWithMovieAction({ name, description: '', movieId });
      if (!res.ok) throw new Error(res.error);
      return res.data;
    },
    onSuccess: (id, name) => {
      setNewName('');
      qc.setQueryData<ListMembership[]>(key, (l) => [{ id, name, has: true }, ...(l ?? [])]);
    },
    onError: (err) => setError(err instanceof Error ? err.message : 'That did not save. Try again.'),
  });

  return (
    <div className={large ? 'list-memberships list-memberships-large' : 'list-memberships'}>
      {lists.isPending && <span className="muted small">Loading your lists…</span>}
      {lists.isError && <span className="field-error">{lists.error.message}</span>}
      {lists.data?.length === 0 && <span className="muted small">No lists yet.</span>}
      {lists.data?.map((l) => (
        <label key={l.id}>
          <input
            type="checkbox"
            checked={l.has}
            onChange={(e) => toggle.mutate({ listId: l.id, on: e.target.checked })}
          />
          {l.name}
        </label>
      ))}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (newName.trim()) create.mutate(newName.trim());
        }}
        style={{ display: 'flex', gap: 6 }}
      >
        <input
          className="input"
          placeholder="New list"
          aria-label="New list name"
          value={newName}
          onChange={(e) => setNewName(e.target.value)}
          maxLength={120}
          style={{ flex: 1, minWidth: 0 }}
        />
        <button className="btn" type="submit" disabled={create.isPending || !newName.trim()}>
          Add
        </button>
      </form>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/**
 * "Add to list" on the movie page: a menu of the member's lists (ListMemberships). Cards use a dialog instead
 * (QuickActions), which fits a phone's width and thumb.
 */
export function AddToList({ movieId, title }: { movieId: number; title: string }) {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  return (
    <div className="add-to-list" ref={root}>
      <button
        type="button"
        className="btn"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((o) => !o)}
        data-testid="add-to-list"
      >
        + List
      </button>
      {open && (
        <div
          className="add-to-list-menu"
          id={menuId}
          role="group"
          aria-label={`Lists for ${title}`}
          data-testid="add-to-list-menu"
        >
          <ListMemberships movieId={movieId} />
        </div>
      )}
    </div>
  );
}
