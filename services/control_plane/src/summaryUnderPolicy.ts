import type { ColumnDriftRule, PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { columnTypeRefusal, statTestByName } from '../../core/src/domain/stattests/statTestRegistry.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { qualityOfColumns, severityFromShare, type ColumnDrift, type MonitoringSummary, type RecordedDriftSettings } from '../../monitoring/src/index.ts';

/** A summary as the current policy judges it, and what changed from the verdicts it was written with. */
export interface JudgedSummary {
  summary: MonitoringSummary;
  /** One line per verdict the current policy changes; empty when the summary was made under it. */
  rejudged: string[];
}

function short(sha256: string): string {
  return sha256.slice(0, 12);
}

function sameRule(a: ColumnDriftRule | undefined, b: ColumnDriftRule | undefined): boolean {
  return (a?.stattest ?? null) === (b?.stattest ?? null) && (a?.threshold ?? null) === (b?.threshold ?? null)
    && (a?.type ?? null) === (b?.type ?? null) && (a?.exclude ?? false) === (b?.exclude ?? false);
}

/**
 * What depends on the policy, judged again from the summary's own figures: each
 * column's verdict (its recorded score against the threshold the policy gives it now),
 * the share of drifted columns, dataset drift, severity and min_samples. Whatever
 * cannot be judged from the figures (another test, a column type changed, a column no
 * longer excluded, a lowered min_samples on a summary without figures) is refused: the
 * monitor must run again. A decision never mixes the old verdicts with the new policy.
 */
export function judgeUnderPolicy(summary: MonitoringSummary, summaryPath: string, policy: PromotionPolicy, policySha256: string): JudgedSummary {
  if (summary.policy?.sha256 === policySha256) return { summary, rejudged: [] };
  const madeUnder = summary.policy ? `policy ${short(summary.policy.sha256)}` : 'Evidently\'s defaults (no policy file)';
  const refuse = (why: string): never => {
    throw new UserError(`${summaryPath}: summary made under ${madeUnder}, the policy is now ${short(policySha256)}, and ${why}; re-run the monitor`);
  };
  const old = summary.drift_settings;
  if (!old) return refuse('the summary does not record the drift settings it was made under');
  const now = policy.drift_policy;
  const columns = now.columns ?? {};
  const rejudged: string[] = [];

  const features = summary.columns.features.filter((name) => {
    if (!columns[name]?.exclude) return true;
    rejudged.push(`${name}: now excluded by drift_policy.columns.${name}.exclude, left out of the share and of data quality`);
    return false;
  });
  const known = new Set([...summary.columns.features, ...summary.columns.excluded]);
  // Excluding a column the summary never compared changes no figure (the id column is not even read); anything else about it needs the data.
  const unknown = Object.entries(columns).find(([name, rule]) => !known.has(name) && !(rule.exclude && rule.stattest === undefined && rule.threshold === undefined && rule.type === undefined))?.[0];
  if (unknown !== undefined) refuse(`drift_policy.columns names "${unknown}", which the summary's data does not have`);
  for (const name of new Set([...Object.keys(old.columns), ...Object.keys(columns)])) {
    const [before, after] = [old.columns[name], columns[name]];
    if (sameRule(before, after)) continue;
    if (before?.exclude && !after?.exclude) refuse(`column "${name}" is no longer excluded, and the summary has no figures for it`);
    if ((before?.type ?? null) !== (after?.type ?? null) && features.includes(name)) refuse(`drift_policy.columns.${name}.type changed`);
  }

  // What the policy's columns change whatever the verdicts: which columns are features, and so which count for data quality.
  const settings: RecordedDriftSettings = { drift_share: now.drift_share, min_samples: now.min_samples, severity_thresholds: now.severity_thresholds, stattest: now.stattest ?? null, stattest_threshold: now.stattest_threshold ?? null, columns };
  const columnsNow = {
    columns: { ...summary.columns, features, excluded: [...summary.columns.excluded, ...summary.columns.features.filter((name) => !features.includes(name))] },
    data_quality: qualityOfColumns(summary.data_quality, features),
    min_samples: now.min_samples,
    drift_share: now.drift_share,
    drift_settings: settings,
  };
  if (summary.status === 'insufficient_data') {
    if (summary.current.rows >= now.min_samples) refuse(`min_samples is now ${now.min_samples} (was ${old.min_samples}): the summary has no drift figures for its ${summary.current.rows} rows`);
    if (old.min_samples !== now.min_samples) rejudged.push(`min_samples ${old.min_samples} -> ${now.min_samples}: still insufficient data`);
    return { summary: { ...summary, ...columnsNow, number_of_columns: features.length }, rejudged };
  }
  if (summary.current.rows < now.min_samples) {
    return {
      summary: { ...summary, ...columnsNow, status: 'insufficient_data', number_of_columns: features.length, drift_by_columns: {}, number_of_drifted_columns: 0, share_of_drifted_columns: 0, dataset_drift: null, severity: null, performance: null, prediction_drift: null },
      rejudged: [...rejudged, `min_samples ${old.min_samples} -> ${now.min_samples}: ${summary.current.rows} current rows are now insufficient data`],
    };
  }

  const byColumn: Record<string, ColumnDrift> = {};
  for (const name of features) {
    const recorded = summary.drift_by_columns[name];
    if (!recorded) return refuse(`column "${name}" has no drift figures in it`);
    const named = columns[name]?.stattest ?? now.stattest;
    if (named === undefined && recorded.stattest_chosen_by !== 'default') refuse(`column "${name}" would now get Evidently's default test, which only the data can choose`);
    const testName = named ?? recorded.stattest_name;
    if (testName !== recorded.stattest_name) refuse(`column "${name}" is now tested with ${testName}, the summary holds ${recorded.stattest_name} scores`);
    const test = statTestByName(testName);
    // A test the policy names must suit the column's type, as the monitor requires.
    const unsuitable = named === undefined ? undefined : columnTypeRefusal(test, recorded.column_type, name);
    if (unsuitable) refuse(unsuitable);
    const threshold = columns[name]?.threshold ?? now.stattest_threshold ?? test.defaultThreshold;
    const drifted = test.isDrift(recorded.drift_score, threshold);
    const chosenBy = columns[name]?.stattest !== undefined ? 'column_rule' : now.stattest !== undefined ? 'policy' : 'default';
    if (threshold !== recorded.stattest_threshold || drifted !== recorded.drift_detected) {
      rejudged.push(`${name}: ${testName} ${recorded.drift_score.toPrecision(4)} against threshold ${recorded.stattest_threshold} -> ${threshold}: drift ${recorded.drift_detected ? 'yes' : 'no'} -> ${drifted ? 'yes' : 'no'}`);
    }
    byColumn[name] = { ...recorded, stattest_threshold: threshold, drift_detected: drifted, stattest_chosen_by: chosenBy };
  }
  const drifted = Object.values(byColumn).filter((column) => column.drift_detected).length;
  const share = features.length === 0 ? 0 : drifted / features.length;
  const severity = severityFromShare(share, now.severity_thresholds);
  const datasetDrift = share >= now.drift_share;
  if (severity !== summary.severity) rejudged.push(`severity ${summary.severity} -> ${severity}: share ${share.toFixed(3)} under severity_thresholds high ${now.severity_thresholds.high}, medium ${now.severity_thresholds.medium}`);
  if (datasetDrift !== summary.dataset_drift) rejudged.push(`dataset_drift ${summary.dataset_drift} -> ${datasetDrift}: share ${share.toFixed(3)} against drift_share ${now.drift_share}`);
  // min_samples also scales the plan's data sufficiency: a change is said even when the verdicts stand.
  if (old.min_samples !== now.min_samples) rejudged.push(`min_samples ${old.min_samples} -> ${now.min_samples}: data sufficiency min(1, ${summary.current.rows} / (2 x ${now.min_samples}))`);
  return {
    summary: {
      ...summary,
      drift_by_columns: byColumn,
      number_of_columns: features.length,
      number_of_drifted_columns: drifted,
      share_of_drifted_columns: share,
      dataset_drift: datasetDrift,
      severity,
      ...columnsNow,
      // The score's own test follows the global settings; it decides nothing, so it is dropped rather than refused.
      prediction_drift: old.stattest === settings.stattest && old.stattest_threshold === settings.stattest_threshold ? summary.prediction_drift : null,
    },
    rejudged,
  };
}
