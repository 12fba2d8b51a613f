import type { Approval } from '../../../control_plane/src/index.ts';
import type { DecisionView } from '../../src/dashboard/decisionsView.ts';
import type { RegistryView } from '../../src/dashboard/registryView.ts';
import type { SummaryView } from '../../src/dashboard/summaryView.ts';
import type { TimelineView } from '../../src/dashboard/timelineView.ts';
import { getJson } from './api.ts';
import { renderApprovals } from './approvalsPanel.ts';
import { renderDecisions } from './decisionsPanel.ts';
import { el, show } from './dom.ts';
import { renderDrift } from './driftPanel.ts';
import { storedKey, storeKey } from './keyStore.ts';
import { renderRegistry } from './registryPanel.ts';
import { renderStatus, type FeedState, type StatusView } from './statusPanel.ts';
import { renderTimeline } from './timelinePanel.ts';

/** Without the live stream the page looks again this often. */
const POLL_MS = 15_000;

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found;
}

function sectionBody(id: string): Element {
  const body = element(id).querySelector('.body');
  if (body === null) throw new Error(`#${id} has no .body`);
  return body;
}

/** Each section: what it fetches and how it draws it; a section that fails says why and the rest still show. */
const SECTIONS = {
  approvals: () => getJson<Approval[]>('/api/approvals').then((approvals) => renderApprovals(sectionBody('approvals'), approvals, () => void refresh(['approvals', 'registry', 'decisions', 'summary']))),
  registry: () => getJson<RegistryView>('/api/registry').then((registry) => renderRegistry(sectionBody('model'), registry)),
  timeline: () => getJson<TimelineView>('/api/timeline').then((timeline) => renderTimeline(sectionBody('timeline'), timeline)),
  decisions: () => getJson<DecisionView[]>('/api/decisions?limit=20').then((decisions) => renderDecisions(sectionBody('decisions'), decisions)),
  summary: () => getJson<SummaryView>('/api/summary').then((summary) => renderDrift(sectionBody('drift'), summary)),
} as const;
type SectionName = keyof typeof SECTIONS;
const SECTION_IDS: Record<SectionName, string> = { approvals: 'approvals', registry: 'model', timeline: 'timeline', decisions: 'decisions', summary: 'drift' };

let feed: FeedState = 'connecting';
let lastStatus: StatusView | null = null;

async function refreshStatus(): Promise<void> {
  lastStatus = await getJson<StatusView>('/api/status');
  renderStatus(element('status'), lastStatus, feed);
}

/** What the change feed names maps onto sections; the status strip is redrawn every time. */
async function refresh(names: readonly string[]): Promise<void> {
  const wanted = new Set<SectionName>();
  for (const name of names) {
    if (name in SECTIONS) wanted.add(name as SectionName);
    // A decision can move the registry and close approvals in the same run; a watcher's new window brings its summary.
    if (name === 'decisions') ['approvals', 'registry', 'timeline'].forEach((section) => wanted.add(section as SectionName));
    if (name === 'timeline') wanted.add('summary');
  }
  const failures: string[] = [];
  await Promise.all([
    refreshStatus().catch((error: unknown) => failures.push(`status: ${String(error instanceof Error ? error.message : error)}`)),
    ...[...wanted].map((name) => SECTIONS[name]().catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      failures.push(`${name}: ${message}`);
      show(sectionBody(SECTION_IDS[name]), el('p', { class: 'error' }, `Could not load: ${message}`));
    })),
  ]);
  const banner = element('load-error');
  banner.hidden = failures.length === 0;
  banner.textContent = failures.length === 0 ? '' : `Some of the page could not be loaded (${failures.join('; ')}). It retries with the next change.`;
  document.body.dataset.loaded = 'true';
}

function setFeed(state: FeedState): void {
  feed = state;
  if (lastStatus !== null) renderStatus(element('status'), lastStatus, feed);
}

/** Server-sent events when the browser has them; polling while the stream is down. */
function follow(): void {
  const all = Object.keys(SECTIONS);
  let poll: number | undefined = window.setInterval(() => void refresh(all), POLL_MS);
  if (typeof EventSource === 'undefined') {
    setFeed('polling');
    return;
  }
  const stream = new EventSource('/api/stream');
  stream.addEventListener('open', () => {
    window.clearInterval(poll);
    poll = undefined;
    setFeed('live');
    // Whatever landed while the stream was down.
    void refresh(all);
  });
  stream.addEventListener('change', (event) => {
    const { changed } = JSON.parse((event as MessageEvent<string>).data) as { changed: string[] };
    void refresh(changed);
  });
  stream.addEventListener('error', () => {
    if (poll === undefined) poll = window.setInterval(() => void refresh(all), POLL_MS);
    setFeed('polling');
  });
}

function keyForm(): void {
  const form = element('key-form') as HTMLFormElement;
  const input = element('api-key') as HTMLInputElement;
  const state = element('key-state');
  const describe = (): void => {
    state.textContent = storedKey() ? 'key kept for this tab' : 'no key: the page can look, not approve';
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    storeKey(input.value.trim());
    input.value = '';
    describe();
  });
  describe();
}

keyForm();
void refresh(Object.keys(SECTIONS));
follow();
