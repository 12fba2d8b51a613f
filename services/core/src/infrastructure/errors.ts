/**
 * Errors are values with a kind. A UserError is something the user can fix (a bad
 * file, flag or policy): one line, exit 2. Anything else is our bug: stack, exit 1.
 */
export class UserError extends Error {
  readonly kind = 'user' as const;
  /** What the HTTP edge answers with: 400, 404 or 409. Commands exit 2 whatever it is. */
  constructor(message: string, readonly problem: 'invalid' | 'not_found' | 'conflict' = 'invalid') {
    super(message);
    this.name = 'UserError';
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

export const EXIT_USER_ERROR = 2;
export const EXIT_INTERNAL_ERROR = 1;

/** The one place a command maps errors to exit codes. */
export async function runCommand(commandName: string, main: () => Promise<void> | void): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (isUserError(error)) {
      process.stderr.write(`${commandName}: error: ${error.message}\n`);
      process.exitCode = EXIT_USER_ERROR;
      return;
    }
    process.stderr.write(`${commandName}: internal error\n`);
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = EXIT_INTERNAL_ERROR;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
