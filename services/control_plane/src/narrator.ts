import { errorMessage } from '../../core/src/infrastructure/errors.ts';
import type { ControlOptions } from './controlOptions.ts';
import { withControlLock, type ControlOutcome } from './controlRun.ts';
import type { ReleaseResult } from './controlTypes.ts';
import { addNarrativeToRelease } from './eventsStore.ts';
import { readNarrationAnswer } from './narratorAnswer.ts';
import { narratorSettingFrom, type NarratorSetting } from './narratorConfig.ts';
import { postChatCompletion, type EndpointReply } from './narratorEndpoint.ts';
import { narrationRequest, type ChatCompletionRequest, type RecordedDecision } from './narratorRequest.ts';

/**
 * The optional narrator (DRIFTWATCH_LLM_URL): a language model's plain-language account of
 * a decision, added to its release result after the decision was computed, written and
 * audited. It sits outside the deterministic safety layer: the answer is text, stored and
 * never read back, so it can neither change nor authorise anything; any failure leaves a
 * reason in place of the text and the command's outcome and exit code as they were. It
 * writes no audit record: it decides nothing, and the release result it annotates is
 * already in the log as decided.
 */
export type Narrative = NonNullable<ReleaseResult['narrative']>;

export type AskEndpoint = (endpoint: Extract<NarratorSetting, { kind: 'on' }>['endpoint'], request: ChatCompletionRequest) => Promise<EndpointReply>;

/** The narrative of one decision under a setting that is on (or set but invalid). `now` is the wall clock: when the words were written, not the decision's time. */
export async function composeNarrative(decision: RecordedDecision, setting: Exclude<NarratorSetting, { kind: 'off' }>, ask: AskEndpoint = postChatCompletion, now: () => Date = () => new Date()): Promise<Narrative> {
  if (setting.kind === 'invalid') return { status: 'unavailable', reason: setting.reason, written_at: now().toISOString() };
  const { endpoint } = setting;
  const reply = await ask(endpoint, narrationRequest(decision, endpoint.model));
  const answer = reply.ok ? readNarrationAnswer(reply.body) : reply;
  if (!answer.ok) return { status: 'unavailable', reason: reply.ok ? `${endpoint.host}: ${answer.reason}` : answer.reason, written_at: now().toISOString() };
  return { status: 'written', text: answer.text, model: endpoint.model, endpoint_host: endpoint.host, written_at: now().toISOString() };
}

/** One line for stderr saying what became of the narrative. */
function outcomeLine(narrative: Narrative, replaced: readonly string[]): string {
  if (replaced.length === 0) return 'narrative not added: the release result no longer holds this run\'s decision as written';
  if (narrative.status === 'unavailable') return `narrative unavailable, the decision stands as written: ${narrative.reason}`;
  return `narrative by ${narrative.model} at ${narrative.endpoint_host} added to the release result (${narrative.text.length} characters)`;
}

/**
 * The commands' hook, called with the outcome a decision returned: nothing when the
 * narrator is off; otherwise the model is asked outside the control lock (a slow model holds
 * up no other run) and the release result is rewritten under it (a run starting meanwhile
 * cannot have its result overwritten). Never throws: whatever goes wrong is one line on stderr.
 */
export async function narrateOutcome(options: Pick<ControlOptions, 'eventsDirectory' | 'lockTimeoutMs'>, outcome: ControlOutcome, report: (line: string) => void, environment: Readonly<Record<string, string | undefined>> = process.env): Promise<void> {
  try {
    const setting = narratorSettingFrom(environment);
    if (setting.kind === 'off') return;
    const narrative = await composeNarrative(outcome, setting);
    const replaced = withControlLock(options, `narrative for run ${outcome.release.run_id}`, () => addNarrativeToRelease(options.eventsDirectory, outcome.release, narrative));
    report(outcomeLine(narrative, replaced));
  } catch (error) {
    // The decision is written and audited already; an explanation that could not be added must not turn it into a failure.
    report(`narrative not added, the decision stands as written: ${errorMessage(error)}`);
  }
}
