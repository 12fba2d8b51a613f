import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { repositoryPath } from '../../core/src/infrastructure/repoRoot.ts';
import { assertValid } from '../../core/src/infrastructure/jsonSchema.ts';
import { ALERT_RESPONSES, alertEntry, claimedFingerprints, judgeAlerts, parseAlertmanagerPayload, type AlertmanagerAlert, type AlertmanagerPayload } from './alertTriggers.ts';
import { chainEntries, GENESIS, type AuditEntry } from './auditChain.ts';
import { validateAuditRecord } from './eventSchemas.ts';

const fixture = (name: string): unknown => JSON.parse(readFileSync(repositoryPath('tests/fixtures/alertmanager', name), 'utf8'));
const NOW = new Date('2026-11-23T10:00:00Z');
const minutesBefore = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

function alert(alertname: string, fingerprint: string, status: AlertmanagerAlert['status'] = 'firing'): AlertmanagerAlert {
  return { status, labels: { alertname, service: 'driftwatch' }, startsAt: '2026-11-23T09:55:00Z', fingerprint };
}

type Line = Pick<AuditEntry, 'time' | 'run_id' | 'kind' | 'decision' | 'detail'>;
const acted = (runId: string, fingerprint: string, minutesAgo: number): Line => ({ time: minutesBefore(minutesAgo), run_id: runId, kind: 'alert', decision: 'acted', detail: { fingerprint } });
const sentinel = (runId: string, minutesAgo: number): Line => ({ time: minutesBefore(minutesAgo), run_id: runId, kind: 'sentinel', decision: 'data_drift/medium', detail: {} });
const intent = (runId: string, minutesAgo: number): Line => ({ time: minutesBefore(minutesAgo), run_id: runId, kind: 'intent', decision: 'retrain_and_evaluate', detail: { key: `${runId}:retrain` } });

describe("Alertmanager's webhook payload (version 4)", () => {
  it('the payloads a real Alertmanager sent are accepted as they are', () => {
    for (const name of ['firing-drift.json', 'firing-latency.json', 'resolved-drift.json', 'firing-drift-two-instances.json']) {
      expect(parseAlertmanagerPayload(fixture(name)).version).toBe('4');
    }
  });

  const base = fixture('firing-drift-two-instances.json') as AlertmanagerPayload;
  const withAlert = (index: number, change: Record<string, unknown>) => ({ ...base, alerts: base.alerts.map((item, at) => (at === index ? { ...item, ...change } : item)) });
  it.each([
    ['a fingerprint that is not a string', { ...base, alerts: [...base.alerts, { ...base.alerts[0], fingerprint: 12 }] }, /^alerts\[2\]\.fingerprint: must be string/],
    ['another version', { ...base, version: '3' }, /^version: must be one of "4"/],
    ['no alerts', { version: '4' }, /^alerts: is required/],
    ['an alert with no alertname', withAlert(1, { labels: { service: 'driftwatch' } }), /^alerts\[1\]\.labels\.alertname: is required/],
    ['a status other than firing or resolved', withAlert(0, { status: 'pending' }), /^alerts\[0\]\.status: must be one of "firing", "resolved"/],
    ['a startsAt that is not a time', withAlert(0, { startsAt: 'yesterday' }), /^alerts\[0\]\.startsAt: must match format "date-time"/],
    ['a label that is not a string', withAlert(0, { labels: { alertname: 'DriftWatchDatasetDrift', replicas: 2 } }), /^alerts\[0\]\.labels\.replicas: must be string/],
    ['a body that is not an object', [], /^body: must be object/],
  ])('refuses %s, naming the field', (_what, body, message) => {
    expect(() => parseAlertmanagerPayload(body)).toThrow(message);
  });
});

describe('which alerts start a control run', () => {
  it('every rule of infra/prometheus/alerts.yml has its entry, and every entry is a rule', () => {
    const rules = parseYaml(readFileSync(repositoryPath('infra/prometheus/alerts.yml'), 'utf8')) as { groups: { rules: { alert?: string; labels?: Record<string, string> }[] }[] };
    const names = rules.groups.flatMap((group) => group.rules).flatMap((rule) => (rule.alert === undefined ? [] : [rule.alert]));
    expect(names.length).toBeGreaterThan(0);
    expect(Object.keys(ALERT_RESPONSES).sort()).toEqual([...names].sort());
  });

  it('every rule carries the label Alertmanager routes to the API by', () => {
    const rules = parseYaml(readFileSync(repositoryPath('infra/prometheus/alerts.yml'), 'utf8')) as { groups: { rules: { alert: string; labels?: Record<string, string> }[] }[] };
    for (const rule of rules.groups.flatMap((group) => group.rules)) expect(rule.labels?.service, rule.alert).toBe('driftwatch');
  });

  it('dataset drift starts a run; the serving alerts are recorded as ignored, with the reason', () => {
    expect(ALERT_RESPONSES.DriftWatchDatasetDrift.act).toBe('control_run');
    const verdicts = judgeAlerts([alert('DriftWatchHighErrorRate', 'e'), alert('DriftWatchHighLatencyP99', 'l'), alert('DriftWatchNoModel', 'n')], [], NOW, 60, 'run-now');
    expect(verdicts.map((verdict) => verdict.handling)).toEqual(['ignored', 'ignored', 'ignored']);
    expect(verdicts[0]?.reason).toMatch(/no retrain or rollback fixes/);
  });

  it('an alert nobody declared is ignored, saying so', () => {
    expect(judgeAlerts([alert('DiskFull', 'd')], [], NOW, 60, 'run-now')[0]).toMatchObject({ handling: 'ignored', reason: expect.stringMatching(/not a DriftWatch alert/) });
  });

  it('a resolved alert is recorded, never acted on, even a drift one', () => {
    expect(judgeAlerts([alert('DriftWatchDatasetDrift', 'f', 'resolved')], [], NOW, 60, 'run-now')[0]).toMatchObject({ handling: 'resolved', claimedBy: null });
  });
});

describe('dedupe by fingerprint within the cooldown', () => {
  const drift = alert('DriftWatchDatasetDrift', 'f1');

  it('a firing drift alert seen for the first time is acted on by this run', () => {
    expect(judgeAlerts([drift], [], NOW, 60, 'run-now')[0]).toMatchObject({ handling: 'acted', claimedBy: 'run-now' });
  });

  it('the same fingerprint answered 30 minutes ago (cooldown 60) is a duplicate, naming the run that answered it', () => {
    const history = [acted('run-1', 'f1', 30), sentinel('run-1', 30)];
    expect(judgeAlerts([drift], history, NOW, 60, 'run-now')[0]).toMatchObject({ handling: 'duplicate', claimedBy: 'run-1' });
  });

  it('after the cooldown the same fingerprint is acted on again', () => {
    expect(judgeAlerts([drift], [acted('run-1', 'f1', 61), sentinel('run-1', 61)], NOW, 60, 'run-now')[0]?.handling).toBe('acted');
    expect(judgeAlerts([drift], [acted('run-1', 'f1', 1), sentinel('run-1', 1)], NOW, 0, 'run-now')[0]?.handling).toBe('acted');
  });

  it('another fingerprint of the same alert name is not a duplicate', () => {
    expect(judgeAlerts([alert('DriftWatchDatasetDrift', 'f2')], [acted('run-1', 'f1', 5), sentinel('run-1', 5)], NOW, 60, 'run-now')[0]?.handling).toBe('acted');
  });

  it('a claim whose run died before deciding claims nothing: the alert delivered again is acted on', () => {
    expect(claimedFingerprints([acted('run-1', 'f1', 5)], NOW, 60).size).toBe(0);
    expect(judgeAlerts([drift], [acted('run-1', 'f1', 5)], NOW, 60, 'run-now')[0]?.handling).toBe('acted');
  });

  it('a claim whose run began an effect before dying still claims (the effect happened, or may have)', () => {
    expect(judgeAlerts([drift], [acted('run-1', 'f1', 5), intent('run-1', 5)], NOW, 60, 'run-now')[0]).toMatchObject({ handling: 'duplicate', claimedBy: 'run-1' });
    const neverStarted: Line = { time: minutesBefore(4), run_id: 'run-1', kind: 'outcome', decision: 'failed', detail: { key: 'run-1:retrain', started: false } };
    expect(judgeAlerts([drift], [acted('run-1', 'f1', 5), intent('run-1', 5), neverStarted], NOW, 60, 'run-now')[0]?.handling).toBe('acted');
  });

  it('several drift alerts in one delivery share one run, each claiming its fingerprint; a fingerprint twice is a duplicate of this delivery', () => {
    const verdicts = judgeAlerts([alert('DriftWatchDatasetDrift', 'a'), alert('DriftWatchDatasetDrift', 'b'), alert('DriftWatchDatasetDrift', 'a')], [], NOW, 60, 'run-now');
    expect(verdicts.map((verdict) => [verdict.handling, verdict.claimedBy])).toEqual([['acted', 'run-now'], ['acted', 'run-now'], ['duplicate', 'run-now']]);
    expect(verdicts[2]?.reason).toMatch(/in this delivery/);
  });
});

describe('the alert records', () => {
  it('meet the audit record schema, with the alert and what became of it', () => {
    const payload = fixture('firing-drift.json') as AlertmanagerPayload;
    const verdicts = judgeAlerts(payload.alerts, [acted('run-1', payload.alerts[0]!.fingerprint, 5), sentinel('run-1', 5)], NOW, 60, 'run-now');
    const [record] = chainEntries(GENESIS, verdicts.map((verdict) => alertEntry(NOW, 'run-now', payload, verdict)), undefined);
    expect(assertValid(validateAuditRecord, record, 'alert record')).toMatchObject({
      kind: 'alert', decision: 'duplicate',
      detail: { source: 'alertmanager', alertname: 'DriftWatchDatasetDrift', fingerprint: payload.alerts[0]!.fingerprint, status: 'firing', receiver: 'driftwatch-api', group_key: payload.groupKey, answered_by: 'run-1' },
    });
  });

  it('an alert record with a handling outside the vocabulary breaks the schema', () => {
    const [record] = chainEntries(GENESIS, [{ time: NOW.toISOString(), run_id: 'r', kind: 'alert', decision: 'handled', detail: { source: 'alertmanager', alertname: 'x', fingerprint: 'f', status: 'firing', starts_at: 'x', labels: {}, reason: 'r' } }], undefined);
    expect(validateAuditRecord.problems(record)[0]).toMatchObject({ pathKeys: ['decision'] });
  });
});
