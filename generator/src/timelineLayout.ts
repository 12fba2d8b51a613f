/**
 * A generated timeline's folder, declared once for the generator that writes it and the
 * replay and traffic player that read it: timeline.meta.json, the reference, one
 * transactions file per day and one labels file per arrival day, named by their date.
 */
export const TIMELINE_META_FILE = 'timeline.meta.json';

/** A day's transactions, relative to the timeline's folder (the key in the meta's files). */
export function transactionsFile(date: string): string {
  return `transactions/${date}.csv`;
}

/** The labels that arrived on a date, relative to the timeline's folder. */
export function labelsFile(date: string): string {
  return `labels/${date}.csv`;
}

export const LABELS_FOLDER = 'labels';
export const TRANSACTIONS_FOLDER = 'transactions';
