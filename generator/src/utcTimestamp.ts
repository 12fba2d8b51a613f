const TWO_DIGITS = Array.from({ length: 60 }, (_, value) => String(value).padStart(2, '0'));
const HOUR_MS = 3_600_000;
const hourPrefixCache = new Map<number, string>();

/**
 * ISO 8601 UTC to the second ("2026-10-20T10:57:48Z"). The date-and-hour prefix is
 * cached, since a dataset spans few distinct hours and toISOString per row is costly.
 */
export function formatUtcSeconds(epochMs: number): string {
  const hourStart = Math.floor(epochMs / HOUR_MS) * HOUR_MS;
  let prefix = hourPrefixCache.get(hourStart);
  if (prefix === undefined) {
    prefix = new Date(hourStart).toISOString().slice(0, 14);
    if (hourPrefixCache.size > 100_000) hourPrefixCache.clear();
    hourPrefixCache.set(hourStart, prefix);
  }
  const secondsIntoHour = Math.floor((epochMs - hourStart) / 1000);
  return `${prefix}${TWO_DIGITS[Math.floor(secondsIntoHour / 60)]}:${TWO_DIGITS[secondsIntoHour % 60]}Z`;
}
