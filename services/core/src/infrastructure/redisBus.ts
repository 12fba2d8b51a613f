import { Redis, ReplyError } from 'ioredis';
import { errorMessage, UserError } from './errors.ts';

/*
 * The thin edge to Redis Streams: the few stream commands DriftWatch uses, with their
 * replies turned into plain entries. ioredis does the protocol and the reconnecting; the
 * offline queue is off, so a command sent while Redis is away fails at once (the API
 * answers 503, a watcher waits and tries again) instead of hanging on a queue.
 */

export interface BusEntry {
  id: string;
  fields: Record<string, string>;
}

/** Where an entry's consumer group stands: who holds it, for how long it has been idle, how often it was delivered. */
export interface PendingEntry {
  id: string;
  consumer: string;
  idleMs: number;
  deliveries: number;
}

/** Redis could not be reached or refused a command: the caller may try again. */
export class BusUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BusUnavailable';
  }
}

/** redis://host:port[/db] or rediss://...; anything else is refused naming where it came from. */
export function parseBusUrl(raw: string, from: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UserError(`${from}: ${JSON.stringify(raw)} is not a URL (redis://host:port)`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new UserError(`${from}: ${JSON.stringify(raw)}: the bus is Redis, redis://host:port or rediss://host:port`);
  if (url.hostname === '') throw new UserError(`${from}: ${JSON.stringify(raw)}: no host`);
  if (url.pathname !== '' && url.pathname !== '/' && !/^\/(\d|1[0-5])$/.test(url.pathname)) throw new UserError(`${from}: ${JSON.stringify(raw)}: the path is a database number (/0 to /15)`);
  return raw;
}

/** The URL with any password left out, for logs. */
export function describeBus(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  parsed.username = '';
  return parsed.toString();
}

function entriesOf(reply: unknown): BusEntry[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((item) => {
    const [id, flat] = item as [string, string[] | null];
    const fields: Record<string, string> = {};
    for (let index = 0; flat !== null && index + 1 < flat.length; index += 2) fields[flat[index] as string] = flat[index + 1] as string;
    return { id, fields };
  });
}

function flatten(fields: Record<string, string>): string[] {
  return Object.entries(fields).flat();
}

/**
 * Redis's refusals that are its state, not the command's fault (out of memory, a failing
 * disk, a replica, loading its data, credentials): the command may work once it is put right.
 */
const UNAVAILABLE_REPLIES = /^(OOM|MISCONF|READONLY|LOADING|BUSY|MASTERDOWN|NOPERM|NOAUTH|WRONGPASS)\b/;

/** A group that is not there (Redis restarted without its data, the stream deleted): made again. */
export function isNoGroup(error: unknown): boolean {
  return /^NOGROUP\b/.test(errorMessage(error));
}

/** Redis's answer to an explicit id at or below the stream's last one. */
function isIdTooSmall(error: unknown): boolean {
  return /equal or smaller than the target stream top item/.test(errorMessage(error));
}

/** XCLAIM to the holder itself (idle time back to 0, delivery count unchanged), only if it is still the holder. */
const TOUCH_IF_HELD = `
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if #pending == 1 and pending[1][2] == ARGV[2] then
  redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
  return 1
end
return 0`;

/** One Redis connection and the stream commands on it. */
export class RedisBus {
  private readonly client: Redis;
  /** The connection's last error: a failed handshake's cause (a wrong password, TLS to a plain server), which connect() alone does not say. */
  private lastError: string | undefined;

  constructor(readonly url: string, name: string) {
    this.client = new Redis(url, {
      connectionName: name,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      // Reconnects for as long as the process runs, at most a second apart: Redis restarting is an outage, not an end.
      retryStrategy: (times) => Math.min(times * 100, 1000),
      lazyConnect: true,
    });
    // Each command reports its own failure; the connection's errors are kept only to explain a failed connect().
    this.client.on('error', (error: Error) => {
      this.lastError = error.message;
    });
  }

  /** Connected, or BusUnavailable naming the URL (without its password). */
  async connect(): Promise<void> {
    try {
      await this.client.connect();
    } catch (error) {
      this.client.disconnect();
      const cause = this.lastError !== undefined && this.lastError !== errorMessage(error) ? ` (${this.lastError})` : '';
      throw new BusUnavailable(`cannot reach the bus at ${describeBus(this.url)}: ${errorMessage(error)}${cause}`);
    }
  }

  private async send(command: string, ...args: (string | number)[]): Promise<unknown> {
    try {
      return await this.client.call(command, ...args);
    } catch (error) {
      // Redis's own answer (NOGROUP, an id too small...) is the command's result; its state (OOM...) or the connection is an outage.
      if (error instanceof (ReplyError as typeof Error) && !UNAVAILABLE_REPLIES.test(errorMessage(error))) throw error;
      throw new BusUnavailable(`the bus at ${describeBus(this.url)}: ${command}: ${errorMessage(error)}`);
    }
  }

  /** Appends every entry in one round trip (a pipeline) and resolves with their ids once Redis acknowledged them all. */
  async appendAll(stream: string, entries: readonly Record<string, string>[]): Promise<string[]> {
    if (entries.length === 0) return [];
    if (entries.length === 1) return [String(await this.send('XADD', stream, '*', ...flatten(entries[0] as Record<string, string>)))];
    const pipeline = this.client.pipeline();
    for (const fields of entries) pipeline.xadd(stream, '*', ...flatten(fields));
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await pipeline.exec();
    } catch (error) {
      throw new BusUnavailable(`the bus at ${describeBus(this.url)}: XADD ${stream}: ${errorMessage(error)}`);
    }
    if (replies === null) throw new BusUnavailable(`the bus at ${describeBus(this.url)}: XADD ${stream}: no reply`);
    return replies.map(([error, id]) => {
      if (error !== null) throw new BusUnavailable(`the bus at ${describeBus(this.url)}: XADD ${stream}: ${error.message}`);
      return String(id);
    });
  }

  /** Appends under an explicit id; false when the stream already holds that id or a later one (somebody else wrote it first). */
  async appendOnce(stream: string, id: string, fields: Record<string, string>): Promise<boolean> {
    try {
      await this.send('XADD', stream, id, ...flatten(fields));
      return true;
    } catch (error) {
      if (isIdTooSmall(error)) return false;
      throw error;
    }
  }

  /** Entries from `start` to `end` (inclusive; "(" before an id excludes it), at most `count`. */
  async range(stream: string, start: string, end: string, count?: number): Promise<BusEntry[]> {
    return entriesOf(await this.send('XRANGE', stream, start, end, ...(count === undefined ? [] : ['COUNT', count])));
  }

  /** The stream's last `count` entries, oldest first. */
  async latest(stream: string, count: number): Promise<BusEntry[]> {
    return entriesOf(await this.send('XREVRANGE', stream, '+', '-', 'COUNT', count)).reverse();
  }

  /** The stream's last entry, if any. */
  async last(stream: string): Promise<BusEntry | undefined> {
    return entriesOf(await this.send('XREVRANGE', stream, '+', '-', 'COUNT', 1))[0];
  }

  /** The group, created at the stream's start (and the stream with it) unless it is there already. */
  async ensureGroup(stream: string, group: string): Promise<void> {
    try {
      await this.send('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM');
    } catch (error) {
      if (!/BUSYGROUP/.test(errorMessage(error))) throw error;
    }
  }

  /** The next entries never delivered to the group, now held by `consumer`. */
  async readGroup(stream: string, group: string, consumer: string, count: number): Promise<BusEntry[]> {
    const reply = await this.send('XREADGROUP', 'GROUP', group, consumer, 'COUNT', count, 'STREAMS', stream, '>');
    if (!Array.isArray(reply) || reply.length === 0) return [];
    return entriesOf((reply[0] as [string, unknown])[1]);
  }

  /** Whether the group has delivered the entry and not had it acknowledged, and to whom. */
  async pending(stream: string, group: string, id: string): Promise<PendingEntry | undefined> {
    const reply = await this.send('XPENDING', stream, group, id, id, 1);
    if (!Array.isArray(reply) || reply.length === 0) return undefined;
    const [entryId, consumer, idleMs, deliveries] = reply[0] as [string, string, number, number];
    return { id: entryId, consumer, idleMs: Number(idleMs), deliveries: Number(deliveries) };
  }

  /** XAUTOCLAIM from `start`, one entry idle at least `minIdleMs`: the id now held by `consumer`, if it is `start` itself. */
  async claimIdle(stream: string, group: string, consumer: string, minIdleMs: number, start: string): Promise<boolean> {
    const reply = await this.send('XAUTOCLAIM', stream, group, consumer, minIdleMs, start, 'COUNT', 1, 'JUSTID');
    const claimed = Array.isArray(reply) && Array.isArray(reply[1]) ? (reply[1] as string[]) : [];
    return claimed.includes(start);
  }

  /**
   * Resets the entry's idle time while its holder works on it, so a live watcher's window
   * is not claimed by another; only while `consumer` still holds it (checked and done in one
   * script: a plain XCLAIM would take the entry back from whoever claimed it meanwhile).
   * True when it still held it.
   */
  async touch(stream: string, group: string, consumer: string, id: string): Promise<boolean> {
    return Number(await this.send('EVAL', TOUCH_IF_HELD, 1, stream, group, consumer, id)) === 1;
  }

  async acknowledge(stream: string, group: string, ...ids: string[]): Promise<void> {
    if (ids.length > 0) await this.send('XACK', stream, group, ...ids);
  }

  /** The entries the group delivered and nobody acknowledged, from `start` to `end` (inclusive; "(" excludes), at most `count`. */
  async pendingIds(stream: string, group: string, start: string, end: string, count: number): Promise<string[]> {
    const reply = await this.send('XPENDING', stream, group, start, end, count);
    return Array.isArray(reply) ? reply.map((item) => String((item as unknown[])[0])) : [];
  }

  /** Drops the entries below `minId` (exact, never approximate: "~" could keep or drop a different set on each node). */
  async trimBelow(stream: string, minId: string): Promise<number> {
    return Number(await this.send('XTRIM', stream, 'MINID', minId));
  }

  async length(stream: string): Promise<number> {
    return Number(await this.send('XLEN', stream));
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}
