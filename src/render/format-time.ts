/** A duration in words, largest unit first, zero units left out: `59 min 58 s`, `1 d 2 h`. */
export function formatDuration(ms: number): string {
  let seconds = Math.max(0, Math.floor(ms / 1000));
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['min', 60], ['s', 1]] as const) {
    const value = Math.floor(seconds / size);
    seconds -= value * size;
    if (value > 0) parts.push(`${value} ${unit}`);
  }
  return parts.length > 0 ? parts.join(' ') : '0 s';
}

/** `2017-09-26 15:14:36 UTC`: times in posts are UTC so a distributed team reads the same clock. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return 'unknown';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}
