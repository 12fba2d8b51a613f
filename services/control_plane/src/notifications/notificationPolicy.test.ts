import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../core/src/domain/promotionPolicy.ts';
import { repositoryPath } from '../../../core/src/infrastructure/repoRoot.ts';

const SHIPPED = readFileSync(repositoryPath('policies/promotion.yaml'), 'utf8');

/** The shipped policy with a notifications section appended. */
function withNotifications(section: string): string {
  return `${SHIPPED}\nnotifications:\n${section}`;
}

const TARGET = '    - { name: ops, url: "https://hooks.example.com/driftwatch", events: [escalation, failed], format: json, secret_env: DRIFTWATCH_WEBHOOK_SECRET }\n';

/** The one line a user sees for a policy that is refused. */
function refusal(text: string): string {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the policy was accepted');
}

describe('the policy\'s notifications section', () => {
  it('the shipped policy sends nothing: no section, no targets', () => {
    expect(parsePolicy(SHIPPED, 'promotion.yaml').notifications).toEqual({ targets: [] });
  });

  it('the commented-out example in the shipped policy is a valid section once uncommented', () => {
    const lines = SHIPPED.split('\n');
    const start = lines.indexOf('# notifications:');
    expect(start).toBeGreaterThan(0);
    const example = lines.slice(start).filter((line, index, rest) => rest.slice(0, index + 1).every((earlier) => earlier.startsWith('#'))).map((line) => line.slice(2));
    const policy = parsePolicy(`${SHIPPED}\n${example.join('\n')}\n`, 'example.yaml');
    expect(policy.notifications.targets.map((target) => [target.name, target.format, target.timeout_ms, target.retries])).toEqual([['ops-slack', 'slack', 5000, 3], ['incident-bus', 'json', 5000, 3]]);
  });

  it('fills timeout_ms and retries in when a target leaves them out', () => {
    const policy = parsePolicy(withNotifications(`  targets:\n${TARGET}    - { name: bus, url: "http://127.0.0.1:8080/hook", events: [promoted], format: slack, secret_env: S, timeout_ms: 800, retries: 0 }\n`), 'policy.yaml');
    expect(policy.notifications.targets).toEqual([
      { name: 'ops', url: 'https://hooks.example.com/driftwatch', events: ['escalation', 'failed'], format: 'json', secret_env: 'DRIFTWATCH_WEBHOOK_SECRET', timeout_ms: 5000, retries: 3 },
      { name: 'bus', url: 'http://127.0.0.1:8080/hook', events: ['promoted'], format: 'slack', secret_env: 'S', timeout_ms: 800, retries: 0 },
    ]);
  });

  it('refuses two targets with one name, naming the file, the line and the field', () => {
    const text = withNotifications(`  targets:\n${TARGET}${TARGET}`);
    const line = text.split('\n').length - 1;
    expect(refusal(text)).toBe(`policy.yaml:${line}: notifications.targets[1].name: "ops" is already the name of notifications.targets[0]; each target needs its own name`);
  });

  it('refuses a URL that is not http(s), an unknown event or format, a key it does not know, and a missing secret_env', () => {
    expect(refusal(withNotifications(`  targets:\n${TARGET.replace('https://hooks.example.com/driftwatch', 'ftp://hooks.example.com/x')}`))).toMatch(/^policy\.yaml:\d+: notifications\.targets\[0\]\.url: must match pattern/);
    expect(refusal(withNotifications(`  targets:\n${TARGET.replace('escalation', 'escalated')}`))).toMatch(/^policy\.yaml:\d+: notifications\.targets\[0\]\.events\[0\]: must be one of "escalation", "promoted"/);
    expect(refusal(withNotifications(`  targets:\n${TARGET.replace('format: json', 'format: teams')}`))).toMatch(/notifications\.targets\[0\]\.format: must be one of "slack", "json"/);
    expect(refusal(withNotifications(`  targets:\n${TARGET.replace('format: json', 'format: json, secret: abc')}`))).toMatch(/notifications\.targets\[0\]\.secret: unknown key/);
    expect(refusal(withNotifications(`  targets:\n${TARGET.replace(', secret_env: DRIFTWATCH_WEBHOOK_SECRET', '')}`))).toMatch(/notifications\.targets\[0\]\.secret_env: is required/);
    expect(refusal(withNotifications(`  targets:\n${TARGET.replace('format: json', 'format: json, retries: 50')}`))).toMatch(/notifications\.targets\[0\]\.retries: must be <= 5/);
  });

  it('refuses a URL with a user name or password in it (fetch would refuse every delivery)', () => {
    expect(refusal(withNotifications(`  targets:\n${TARGET.replace('https://hooks.example.com', 'https://user:pw@hooks.example.com')}`))).toMatch(/^policy\.yaml:\d+: notifications\.targets\[0\]\.url: must not hold a user name or password/);
  });
});
