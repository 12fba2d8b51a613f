import { RELEASE_OUTCOMES, type ReleaseOutcome } from '../../core/src/domain/vocabularies.ts';
import { EXIT_INTERNAL_ERROR, EXIT_USER_ERROR } from '../../core/src/infrastructure/errors.ts';

/** `control` and `approvals approve`: the action was decided and tried, and it failed (the champion still serves). */
export const EXIT_ACTION_FAILED = 3;

/**
 * How a command that carries out a decision exits, by the release's outcome: every decided
 * outcome is a success (0) except `failed`, so a scheduler or a script sees a failed retrain
 * or rollback. A new outcome is a compile error here until it has its code.
 */
export const OUTCOME_EXIT_CODES: Record<ReleaseOutcome, 0 | typeof EXIT_ACTION_FAILED> = {
  promoted: 0,
  blocked: 0,
  rolled_back: 0,
  pending_approval: 0,
  deferred: 0,
  no_action: 0,
  failed: EXIT_ACTION_FAILED,
};

/** The exit codes as `--help` lists them, derived from the record above and the codes every command shares. */
export function decisionExitCodes(): Record<number, string> {
  const decided = RELEASE_OUTCOMES.filter((outcome) => OUTCOME_EXIT_CODES[outcome] === 0);
  return {
    0: `decided: outcome ${decided.join(', ')}`,
    [EXIT_INTERNAL_ERROR]: 'internal error (stack trace on stderr)',
    [EXIT_USER_ERROR]: 'refused, nothing done: bad input (summary, policy, flag), lock held, approval not pending, stale or held back; one line on stderr',
    [EXIT_ACTION_FAILED]: 'outcome failed: the action was tried and failed (e.g. too few labelled rows to retrain); the champion still serves',
  };
}
