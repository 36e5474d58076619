import type { ReactNode } from 'react';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { SettingsNav } from './settings-nav';
import '../library.css';

export default async function SettingsLayout({ children }: { children: ReactNode }) {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in?callbackUrl=/settings');
  return (
    <div className="settings">
      <SettingsNav />
      <div className="settings-body">{children}</div>
    </div>
  );
}
