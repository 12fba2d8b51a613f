import type { RegistryView } from '../../src/dashboard/registryView.ts';
import { el, formatNumber, show, table, timeText } from './dom.ts';

export function renderRegistry(target: Element, registry: RegistryView): void {
  if (registry.versions.length === 0) {
    show(target, el('p', {}, 'No model registered yet: make train, then make promote-prod.'));
    return;
  }
  const versions = table(
    ['version', 'stage', 'model', 'validation ROC AUC', 'average precision', 'trained on (rows)', 'parent', 'created'],
    registry.versions.map((row) => [`v${row.version}`, row.stage, row.model_type, formatNumber(row.roc_auc), formatNumber(row.average_precision), row.scenario === null ? row.training_rows : `${row.training_rows} (${row.scenario})`, row.parent_version === null ? '–' : `v${row.parent_version}`, timeText(row.created_at)]),
    (index) => (registry.versions[index]?.stage === 'Production' ? 'production' : ''),
  );
  const served = registry.served.length === 0
    ? el('p', {}, 'Nothing has served yet.')
    : table(['version', 'from', 'until', 'how', 'by', 'why'], registry.served.map((period) => [`v${period.version}`, timeText(period.from), period.until === null ? 'now' : timeText(period.until), period.operation, period.actor, period.reason]));
  show(target, el('h3', {}, 'Versions'), versions, el('h3', {}, 'What served when (newest first)'), served);
}
