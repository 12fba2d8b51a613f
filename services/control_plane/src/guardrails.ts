import type { BlackoutWindow, PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import type { Action, Weekday } from '../../core/src/domain/vocabularies.ts';
import type { GuardrailCheck } from './controlTypes.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The wall-clock date-time in a time zone, as "YYYY-MM-DDTHH:MM:SS", and its weekday. */
export function localTime(now: Date, timeZone: string): { dateTime: string; weekday: Weekday } {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short', hourCycle: 'h23',
  }).formatToParts(now).map((part) => [part.type, part.value]));
  return {
    dateTime: `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`,
    weekday: String(parts.weekday).slice(0, 3).toLowerCase() as Weekday,
  };
}

/** Inside a window: one-off windows by local date-time, daily ones by local HH:MM (wrapping midnight), on the listed weekdays. */
export function isInBlackout(now: Date, window: BlackoutWindow): boolean {
  const { dateTime, weekday } = localTime(now, window.timezone);
  if (window.weekdays && !window.weekdays.includes(weekday)) return false;
  if (/^\d{2}:\d{2}$/.test(window.start)) {
    const clock = dateTime.slice(11, 16);
    return window.start <= window.end ? clock >= window.start && clock < window.end : clock >= window.start || clock < window.end;
  }
  const normalise = (value: string): string => (value.length === 16 ? `${value}:00` : value);
  return dateTime >= normalise(window.start) && dateTime < normalise(window.end);
}

const GUARDED: Record<Action, GuardrailCheck['name'][]> = {
  noop: [],
  monitor: [],
  escalate: [],
  rollback: ['blackout_window'],
  retrain_and_evaluate: ['blackout_window', 'cooldown', 'retrain_budget'],
};

/** A failed guardrail as a reason in a plan or a release result. */
export function guardrailReason(check: GuardrailCheck): string {
  return `guardrail ${check.name}: ${check.detail}`;
}

export function failedGuardrails(checks: readonly GuardrailCheck[]): GuardrailCheck[] {
  return checks.filter((check) => !check.passed);
}

/**
 * The deterministic guardrails an action must pass: no changes in a blackout window,
 * no retrain within the cooldown, and no more retrains in 24 h than the budget.
 * `retrainTimes` are the start times of earlier retrains (from the audit log).
 */
export function checkGuardrails(action: Action, policy: PromotionPolicy['guardrails'], now: Date, retrainTimes: readonly Date[]): GuardrailCheck[] {
  return GUARDED[action].map((name): GuardrailCheck => {
    if (name === 'blackout_window') {
      const active = policy.blackout_windows.find((window) => isInBlackout(now, window));
      return { name, passed: active === undefined, detail: active ? `inside blackout window "${active.name}" (${active.start}-${active.end} ${active.timezone})` : 'no blackout window is active' };
    }
    // A retrain recorded after `now` (a clock set back, or --now in the past) counts as recent:
    // turning the clock back must never open a cooldown or refill the budget.
    if (name === 'cooldown') {
      const last = retrainTimes.reduce<Date | undefined>((latest, time) => (!latest || time > latest ? time : latest), undefined);
      const minutesSince = last ? (now.getTime() - last.getTime()) / 60_000 : Infinity;
      const detail = !last ? 'no earlier retrain'
        : minutesSince < 0 ? `last retrain recorded ${(-minutesSince).toFixed(1)} min after now (the clock went back), cooldown ${policy.cooldown_minutes} min`
        : `last retrain ${minutesSince.toFixed(1)} min ago, cooldown ${policy.cooldown_minutes} min`;
      return { name, passed: minutesSince >= policy.cooldown_minutes, detail };
    }
    const inLastDay = retrainTimes.filter((time) => now.getTime() - time.getTime() < DAY_MS).length;
    return { name, passed: inLastDay < policy.max_retrains_per_day, detail: `${inLastDay} retrain(s) in the last 24 h, budget ${policy.max_retrains_per_day}` };
  });
}
