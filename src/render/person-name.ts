import type { UserProfile } from '@mattermost/types/users';

/** How a person is named in figures and transcripts: full name, else nickname, else username. */
export function displayNameOf(user: UserProfile | undefined, fallback: string): string {
  if (!user) return fallback;
  const full = `${user.first_name ?? ''} ${user.last_name ?? ''}`.trim();
  return full || user.nickname || user.username;
}
