import type { ReactNode } from 'react';
import { requireAdminPage } from '@/lib/server/admin-guard';
import { AdminTabs } from './admin-tabs';
import './admin.css';

// Every admin page checks the role itself too; this keeps the whole section (and its tabs) away from members.
export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requireAdminPage('/admin');
  return (
    <>
      <AdminTabs />
      {children}
    </>
  );
}
