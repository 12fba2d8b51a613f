/**
 * How a decided window shows on a timeline chart (the replay's page, the dashboard): one
 * glyph and colour per kind of release, declared once so both read the same. The first
 * entry that matches wins. failed is marked too: a retrain that crashed matters.
 */
export interface ActionMarker {
  name: string;
  glyph: string;
  colour: string;
  matches: (window: { action: string | null; outcome: string | null }) => boolean;
}

export const ACTION_MARKERS: readonly ActionMarker[] = [
  { name: 'promoted', glyph: '▲', colour: '#2e7d32', matches: (window) => window.outcome === 'promoted' },
  { name: 'rolled back', glyph: '▼', colour: '#ef6c00', matches: (window) => window.outcome === 'rolled_back' },
  { name: 'blocked', glyph: '×', colour: '#c62828', matches: (window) => window.outcome === 'blocked' },
  { name: 'failed', glyph: '!', colour: '#6d1b1b', matches: (window) => window.outcome === 'failed' },
  { name: 'awaiting approval or escalated', glyph: '◆', colour: '#7b1fa2', matches: (window) => window.outcome === 'pending_approval' || window.action === 'escalate' },
  { name: 'deferred by a guardrail', glyph: '○', colour: '#757575', matches: (window) => window.outcome === 'deferred' },
];

/** The marker of a window, or undefined for one that changed nothing worth marking. */
export function actionMarker(window: { action: string | null; outcome: string | null }): ActionMarker | undefined {
  return ACTION_MARKERS.find((marker) => marker.matches(window));
}
