import { describe, expect, it } from 'vitest';
import { LogWatchInput, RatingsQuery, UpdateWatchInput, checkWatchDate, isCalendarDate, todayIn } from './history';

describe('watch dates', () => {
  // 2026-06-15 23:30 UTC: already the 16th in Auckland, still the 15th in New York.
  const now = new Date('2026-06-15T23:30:00Z');

  it('knows real calendar days', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('2024-13-01')).toBe(false);
    expect(isCalendarDate('31/05/2024')).toBe(false);
    expect(isCalendarDate('')).toBe(false);
  });

  it("refuses the member's future, using their time zone for today", () => {
    expect(todayIn('Pacific/Auckland', now)).toBe('2026-06-16');
    expect(todayIn('America/New_York', now)).toBe('2026-06-15');
    expect(checkWatchDate('2026-06-16', 'Pacific/Auckland', now)).toBeNull();
    expect(checkWatchDate('2026-06-16', 'America/New_York', now)).toBe(
      'That date is in the future. Pick today or an earlier day.',
    );
    expect(checkWatchDate('2026-06-15', 'America/New_York', now)).toBeNull();
    // An unknown zone counts as UTC (the 15th here).
    expect(checkWatchDate('2026-06-16', 'Mars/Olympus', now)).toBe(
      'That date is in the future. Pick today or an earlier day.',
    );
  });

  it('refuses dates before 1870 and malformed dates with a message that says what to do', () => {
    expect(checkWatchDate('1869-12-31', 'UTC', now)).toBe('Pick a date from 1 January 1870 onwards.');
    expect(checkWatchDate('1870-01-01', 'UTC', now)).toBeNull();
    expect(checkWatchDate('2024-02-30', 'UTC', now)).toBe('Enter a real date, like 2024-05-31.');
    expect(checkWatchDate('yesterday', 'UTC', now)).toBe('Enter a real date, like 2024-05-31.');
  });
});

describe('LogWatchInput', () => {
  it('parses a form post: checkbox, empty rating, ids as strings', () => {
    expect(LogWatchInput.parse({ movieId: '12', watchedOn: '2020-01-02', rewatch: 'on', rating: '' })).toEqual({
      movieId: 12,
      watchedOn: '2020-01-02',
      rewatch: true,
      rating: null,
    });
    expect(LogWatchInput.parse({ movieId: 3, watchedOn: '2020-01-02', rating: 4.5 })).toMatchObject({
      rewatch: false,
      rating: 4.5,
    });
  });

  it('names the field of each problem and drops a client-sent member id', () => {
    const bad = LogWatchInput.safeParse({ movieId: 1, watchedOn: '3000-01-01', rating: 3.3 });
    expect(bad.success).toBe(false);
    const byField = Object.fromEntries(bad.error!.issues.map((i) => [String(i.path[0]), i.message]));
    expect(byField.rating).toBe('Ratings go in half stars (0.5, 1, 1.5 … 5).');
    const future = LogWatchInput.safeParse({ movieId: 1, watchedOn: '3000-01-01' });
    expect(future.error?.issues[0]).toMatchObject({
      path: ['watchedOn'],
      message: 'That date is in the future. Pick today or an earlier day.',
    });
    const withUser = LogWatchInput.parse({ movieId: 1, watchedOn: '2000-01-01', userId: 999 });
    expect(withUser).not.toHaveProperty('userId');
    expect(UpdateWatchInput.safeParse({ watchId: 'x', watchedOn: '2000-01-01' }).error?.issues[0]?.message).toBe(
      'Unknown diary entry.',
    );
  });
});

describe('RatingsQuery', () => {
  it('falls back to safe defaults for bad query strings', () => {
    expect(RatingsQuery.parse({})).toEqual({ page: 1, sort: 'rated' });
    expect(RatingsQuery.parse({ page: '-3', sort: 'nope', rating: '7' })).toEqual({ page: 1, sort: 'rated' });
    expect(RatingsQuery.parse({ page: '2', sort: 'title', rating: '4.5' })).toEqual({
      page: 2,
      sort: 'title',
      rating: 4.5,
    });
  });
});
