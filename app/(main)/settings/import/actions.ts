'use server';

import { action } from '@/lib/server/action';
import { confirmOrQueueHistoryImport } from '@/lib/server/services/history-import';
import { ConfirmImportInput } from '@/lib/import/preview-types';

export const confirmImportAction = action(
  ConfirmImportInput,
  async (input, { user }) => confirmOrQueueHistoryImport(user.id, input),
  {
    auth: 'user',
    revalidate: ['/for-you', '/ratings', '/watchlist', '/lists', '/settings/import'],
  },
);
