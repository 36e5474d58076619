export type { ActionResult as RatingMutationResult } from '@/lib/validation/action-result';
