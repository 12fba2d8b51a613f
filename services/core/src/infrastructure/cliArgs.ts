import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UserError, errorMessage, runCommand } from './errors.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  default?: string | boolean;
  short?: string;
}

export interface CommandSpec {
  usage: string;
  summary: string;
  options: Record<string, OptionSpec>;
  allowPositionals?: boolean;
  /** Listed under "Exit codes:" in --help, for commands whose codes say more than success and error. */
  exitCodes?: Readonly<Record<number, string>>;
}

export interface ParsedCommand {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  helpRequested: boolean;
}

export function formatHelp(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([name, option]) => {
    const flag = option.type === 'string' ? `--${name} VALUE` : `--${name}`;
    const defaultText = option.default !== undefined ? ` (default: ${String(option.default)})` : '';
    return `  ${flag.padEnd(28)} ${option.description}${defaultText}`;
  });
  const exitCodes = Object.entries(spec.exitCodes ?? {}).map(([code, meaning]) => `  ${code}  ${meaning}`);
  return [`Usage: ${spec.usage}`, '', spec.summary, '', 'Options:', ...rows, `  ${'--help'.padEnd(28)} show this help`, ...(exitCodes.length > 0 ? ['', 'Exit codes:', ...exitCodes] : []), ''].join('\n');
}

const NEGATIVE_NUMBER = /^-\.?\d/;

/**
 * `--rows -1` as `--rows=-1`: node's parseArgs takes a value that starts with "-" for a
 * flag and calls the option ambiguous, so the command could not say its own range error.
 * Only numbers are joined: `--out --rows` still means a forgotten value.
 */
function joinNegativeValues(spec: CommandSpec, argv: string[]): string[] {
  const takesValue = new Map<string, string>();
  for (const [name, option] of Object.entries(spec.options)) {
    if (option.type !== 'string') continue;
    takesValue.set(`--${name}`, name);
    if (option.short) takesValue.set(`-${option.short}`, name);
  }
  const joined: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const token = argv[index] as string;
    if (token === '--') return [...joined, ...argv.slice(index)];
    const name = takesValue.get(token);
    const next = argv[index + 1];
    if (name !== undefined && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      joined.push(`--${name}=${next}`);
      index += 1;
    } else {
      joined.push(token);
    }
  }
  return joined;
}

/** node:util parseArgs, with unknown flags and missing values turned into user errors. */
export function parseCommand(spec: CommandSpec, argv: string[]): ParsedCommand {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean' } };
  for (const [name, option] of Object.entries(spec.options)) {
    options[name] = option.short ? { type: option.type, short: option.short } : { type: option.type };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(spec, argv), options, allowPositionals: spec.allowPositionals ?? false, strict: true });
  } catch (error) {
    throw new UserError(`${errorMessage(error).split('\n')[0]} (see --help)`);
  }
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    const given = (parsed.values as Record<string, string | boolean | undefined>)[name];
    values[name] = given ?? option.default;
  }
  return { values, positionals: parsed.positionals, helpRequested: parsed.values.help === true };
}

export function requireString(values: ParsedCommand['values'], name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.length === 0) throw new UserError(`missing required flag --${name}`);
  return value;
}

export function optionalString(values: ParsedCommand['values'], name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function parseIntegerFlag(name: string, raw: string, options: { min?: number; max?: number } = {}): number {
  if (!/^-?\d+$/.test(raw.trim())) throw new UserError(`--${name} must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new UserError(`--${name} is out of range: ${raw}`);
  if (options.min !== undefined && value < options.min) throw new UserError(`--${name} must be >= ${options.min}, got ${raw}`);
  if (options.max !== undefined && value > options.max) throw new UserError(`--${name} must be <= ${options.max}, got ${raw}`);
  return value;
}

/**
 * A directory the command reads or writes under: it may not exist yet (it is made when
 * first written), but a file there is refused by the flag's name before any work starts.
 */
export function parseDirectoryFlag(name: string, raw: string): string {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(raw).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return raw;
    throw new UserError(`--${name} ${raw}: ${errorMessage(error)}`);
  }
  if (!isDirectory) throw new UserError(`--${name} ${raw} is not a directory`);
  return raw;
}

/** One of a fixed list of words, typed as that list's union. */
export function parseChoiceFlag<T extends string>(name: string, raw: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  const listed = choices.length > 1 ? `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}` : choices.join('');
  throw new UserError(`--${name} must be ${listed}, got "${raw}"`);
}

export function parseListFlag(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  return raw.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
}

/** A command's whole edge: parse the flags (or print help), run, map errors to exit codes. */
export async function runCommandLine(name: string, spec: CommandSpec, main: (parsed: ParsedCommand) => Promise<void> | void): Promise<void> {
  await runCommand(name, async () => {
    const parsed = parseCommand(spec, process.argv.slice(2));
    if (parsed.helpRequested) {
      process.stdout.write(formatHelp(spec));
      return;
    }
    await main(parsed);
  });
}
