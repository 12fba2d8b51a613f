import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import autocannon from 'autocannon';

/*
 * The load both API benchmarks put on POST /predict (make bench-api, make bench-bus): the
 * same connections, the same single-row body, and the server's own count of what it answered.
 */

export const CONNECTIONS = 50;
// The first second runs at half speed while V8 compiles the hot path (max latency ~600 ms);
// a short unmeasured warm-up keeps that start-up cost out of the steady-state figures.
export const WARM_UP_SECONDS = 2;
const BODY = JSON.stringify({ transaction_amount: 120.5, transaction_hour: 21, customer_age: 35, account_tenure_days: 400, merchant_risk_score: 0.4, geo_distance_km: 30, is_international: 0, merchant_category: 'electronics', channel: 'online' });

/** autocannon on 127.0.0.1:`port`/predict for `duration` seconds. */
export function loadPredict(port: number, duration: number): Promise<autocannon.Result> {
  return autocannon({ url: `http://127.0.0.1:${port}/predict`, connections: CONNECTIONS, duration, method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
}

/**
 * The server's own /metrics, read once the requests in flight have finished: autocannon stops
 * counting at its deadline with requests still under way, and the server's count is what its
 * kept records must match. The 2xx answers of /predict, and (durable log) the predictions kept
 * for clients that hung up before their answer.
 */
export async function servedCounts(port: number): Promise<{ served2xx: number; unanswered: number }> {
  await new Promise((resolve) => setTimeout(resolve, 500));
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return {
    served2xx: Number(/driftwatch_http_requests_total\{route="\/predict",method="POST",status="200"\} (\d+)/.exec(text)?.[1] ?? Number.NaN),
    unanswered: Number(/driftwatch_predictions_unanswered_total (\d+)/.exec(text)?.[1] ?? Number.NaN),
  };
}

/** SIGTERM to a process this benchmark started, and its exit waited for. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
