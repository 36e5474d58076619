'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { AdminUserRow } from '@/lib/validation/admin-users';
import { deleteUserAction, setDisabledAction, setRoleAction } from './actions';

const day = (iso: string | null) =>
  iso ? new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' }) : '—';

export function UsersTable({ users, selfId }: { users: AdminUserRow[]; selfId: number }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  function run(fn: () => Promise<{ ok: boolean; error?: string }>, done: string) {
    start(async () => {
      const res = await fn();
      setMessage(res.ok ? { ok: true, text: done } : { ok: false, text: res.error ?? 'That did not work.' });
      router.refresh();
    });
  }

  return (
    <>
      {message && (
        <p className={message.ok ? 'notice' : 'form-error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      <div className="admin-scroll">
        <table className="table small admin-stack" data-testid="users">
          <thead>
            <tr>
              <th>Member</th>
              <th>Role</th>
              <th>Signed up</th>
              <th>Ratings</th>
              <th>Last active</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-user={u.email ?? u.id}>
                <td className="admin-full">
                  <b>{u.name ?? '—'}</b>
                  <div className="muted" style={{ overflowWrap: 'anywhere' }}>
                    {u.email}
                  </div>
                  {u.disabledAt && <span className="chip admin-bad">sign-in disabled</span>}
                </td>
                <td data-label="Role">
                  <span className={u.role === 'ADMIN' ? 'chip chip-accent' : 'chip'}>
                    {u.role === 'ADMIN' ? 'admin' : 'member'}
                  </span>
                </td>
                <td data-label="Signed up">{day(u.createdAt)}</td>
                <td data-label="Ratings">{u.ratings.toLocaleString('en')}</td>
                <td data-label="Last active">{day(u.lastActive)}</td>
                <td className="admin-full">
                  <div className="admin-actions">
                    <button
                      className="btn"
                      type="button"
                      disabled={pending}
                      onClick={() =>
                        run(
                          () => setRoleAction({ userId: u.id, role: u.role === 'ADMIN' ? 'USER' : 'ADMIN' }),
                          `${u.email} is now ${u.role === 'ADMIN' ? 'a member' : 'an admin'}.`,
                        )
                      }
                    >
                      {u.role === 'ADMIN' ? 'Make member' : 'Make admin'}
                    </button>
                    {u.id !== selfId && (
                      <button
                        className="btn"
                        type="button"
                        disabled={pending}
                        onClick={() =>
                          run(
                            () => setDisabledAction({ userId: u.id, disabled: !u.disabledAt }),
                            `${u.email} can ${u.disabledAt ? 'sign in again' : 'no longer sign in'}.`,
                          )
                        }
                      >
                        {u.disabledAt ? 'Enable sign-in' : 'Disable sign-in'}
                      </button>
                    )}
                    {u.id !== selfId && (
                      <button
                        className="btn btn-ghost admin-bad"
                        type="button"
                        disabled={pending}
                        onClick={() => {
                          if (
                            window.confirm(
                              `Delete ${u.email} and all their ratings, watchlist and lists? This cannot be undone.`,
                            )
                          ) {
                            run(() => deleteUserAction({ userId: u.id }), `${u.email} was deleted.`);
                          }
                        }}
                      >
                        Delete
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
