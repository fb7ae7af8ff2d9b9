/** The time budget of one run: every request timeout, retry and lock wait is cut to what is left. */
export interface Deadline {
  remainingMs(): number;
}

export type Clock = () => number;

export function deadlineIn(ms: number, now: Clock = Date.now): Deadline {
  const end = now() + ms;
  return { remainingMs: () => Math.max(0, end - now()) };
}

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
