import { BUS_STREAMS } from '../../core/src/domain/busStreams.ts';
import { describeBus, type RedisBus } from '../../core/src/infrastructure/redisBus.ts';
import type { PredictionRecord, PredictionSink } from './predictionSink.ts';

/**
 * /predict's records on the bus: one XADD per record to driftwatch:predictions, a
 * request's records in one pipeline, resolved once Redis acknowledged every one (so a 200
 * means the record is in Redis, as durable as its AOF setting makes it). Nothing here
 * trims the stream: the watchers trim it below what they no longer need.
 */
export class PredictionBus implements PredictionSink {
  written = 0;
  writes = 0;

  constructor(private readonly bus: RedisBus) {}

  async append(...records: PredictionRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.bus.appendAll(BUS_STREAMS.predictions, records.map((record) => ({ record: JSON.stringify(record) })));
    this.writes += 1;
    this.written += records.length;
  }

  async close(): Promise<void> {
    await this.bus.close();
  }

  describe(): string {
    return `prediction bus ${describeBus(this.bus.url)} (${BUS_STREAMS.predictions})`;
  }
}
