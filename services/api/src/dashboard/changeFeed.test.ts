import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../../../tests/helpers/runScript.ts';
import { ChangeFeed, changedNames, type WatchedFile } from './changeFeed.ts';

describe('changedNames (pure)', () => {
  const looks = (entries: [string, string][]) => new Map(entries);

  it('names what differs, sorted: changed, appeared and vanished', () => {
    const before = looks([['summary', 'a=1:1'], ['registry', 'b=1:1'], ['decisions', 'c=absent'], ['timeline', 't=1:1']]);
    const after = looks([['summary', 'a=1:1'], ['registry', 'b=2:5'], ['decisions', 'c=3:3'], ['approvals', 'd=1:1']]);
    expect(changedNames(before, after)).toEqual(['approvals', 'decisions', 'registry', 'timeline']);
  });

  it('two identical looks change nothing, and neither look is altered', () => {
    const before = looks([['summary', 'a=1:1']]);
    const after = looks([['summary', 'a=1:1']]);
    expect(changedNames(before, after)).toEqual([]);
    expect(changedNames(new Map(), new Map())).toEqual([]);
    expect([...before]).toEqual([['summary', 'a=1:1']]);
  });

  it('the same name pointing at another file is a change (a newer replay\'s timeline)', () => {
    expect(changedNames(looks([['timeline', '/r/1/timeline.jsonl=10:1']]), looks([['timeline', '/r/2/timeline.jsonl=10:1']]))).toEqual(['timeline']);
  });
});

describe('ChangeFeed over real files, fake timers', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let files: WatchedFile[];
  let feed: ChangeFeed;
  const INTERVAL = 50;

  beforeEach(() => {
    vi.useFakeTimers();
    temp = makeTempDir('change-feed');
    files = [{ name: 'decisions', path: join(temp.path, 'audit.jsonl') }, { name: 'summary', path: join(temp.path, 'summary.json') }];
    writeFileSync(files[0]?.path as string, 'one\n');
    feed = new ChangeFeed(() => files, INTERVAL);
  });
  afterEach(() => {
    feed.close();
    vi.useRealTimers();
    temp.cleanup();
  });

  it('a change is announced once, naming only what changed', () => {
    const heard: string[][] = [];
    feed.subscribe((names) => heard.push(names), () => {});
    vi.advanceTimersByTime(INTERVAL * 3);
    expect(heard).toEqual([]);
    appendFileSync(files[0]?.path as string, 'two\n');
    vi.advanceTimersByTime(INTERVAL * 5);
    expect(heard).toEqual([['decisions']]);
  });

  it('a file that appears is a change', () => {
    const heard: string[][] = [];
    feed.subscribe((names) => heard.push(names), () => {});
    writeFileSync(files[1]?.path as string, '{}');
    vi.advanceTimersByTime(INTERVAL);
    expect(heard).toEqual([['summary']]);
  });

  it('changes before anyone listens are not announced to a later listener', () => {
    appendFileSync(files[0]?.path as string, 'before\n');
    vi.advanceTimersByTime(INTERVAL * 3);
    const heard: string[][] = [];
    feed.subscribe((names) => heard.push(names), () => {});
    vi.advanceTimersByTime(INTERVAL * 3);
    expect(heard).toEqual([]);
  });

  it('every listener hears a change; one that unsubscribes hears nothing more', () => {
    const first: string[][] = [];
    const second: string[][] = [];
    const stopFirst = feed.subscribe((names) => first.push(names), () => {});
    feed.subscribe((names) => second.push(names), () => {});
    appendFileSync(files[0]?.path as string, 'two\n');
    vi.advanceTimersByTime(INTERVAL);
    stopFirst();
    writeFileSync(files[1]?.path as string, '{}');
    vi.advanceTimersByTime(INTERVAL);
    expect(first).toEqual([['decisions']]);
    expect(second).toEqual([['decisions'], ['summary']]);
  });

  it('close() calls every listener\'s ended callback once, and nothing is heard afterwards', () => {
    const heard: string[][] = [];
    const ended = vi.fn();
    const alsoEnded = vi.fn();
    feed.subscribe((names) => heard.push(names), ended);
    feed.subscribe(() => {}, alsoEnded);
    feed.close();
    expect(ended).toHaveBeenCalledTimes(1);
    expect(alsoEnded).toHaveBeenCalledTimes(1);
    appendFileSync(files[0]?.path as string, 'after close\n');
    vi.advanceTimersByTime(INTERVAL * 3);
    feed.close();
    expect(heard).toEqual([]);
    expect(ended).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('looks only while someone listens: no timer before the first listener or after the last leaves', () => {
    const look = vi.fn(() => files);
    const lazy = new ChangeFeed(look, INTERVAL);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(INTERVAL * 3);
    expect(look).not.toHaveBeenCalled();
    const stopOne = lazy.subscribe(() => {}, () => {});
    const stopTwo = lazy.subscribe(() => {}, () => {});
    expect(vi.getTimerCount()).toBe(1);
    stopOne();
    expect(vi.getTimerCount()).toBe(1);
    stopTwo();
    expect(vi.getTimerCount()).toBe(0);
    const looksSoFar = look.mock.calls.length;
    vi.advanceTimersByTime(INTERVAL * 3);
    expect(look).toHaveBeenCalledTimes(looksSoFar);
  });

  it('a listing that throws (a folder vanished) is skipped; the next look announces the settled state', () => {
    let failing = false;
    const flaky = new ChangeFeed(() => {
      if (failing) throw new Error('ENOENT');
      return files;
    }, INTERVAL);
    const heard: string[][] = [];
    flaky.subscribe((names) => heard.push(names), () => {});
    failing = true;
    appendFileSync(files[0]?.path as string, 'two\n');
    vi.advanceTimersByTime(INTERVAL);
    expect(heard).toEqual([]);
    failing = false;
    vi.advanceTimersByTime(INTERVAL);
    expect(heard).toEqual([['decisions']]);
    flaky.close();
  });
});
