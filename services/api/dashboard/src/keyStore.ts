/**
 * The API key, entered once per tab: kept in sessionStorage (gone when the tab closes,
 * never shared with other tabs), sent only as a header.
 */
const KEY = 'driftwatch.apiKey';

export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: the key must be entered again
  }
}

export function storeKey(value: string): void {
  if (value === '') sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, value);
}
