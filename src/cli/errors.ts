/** A failure the operator can act on: printed as one line, and the command exits with 1. */
export class CommandError extends Error {}

/** The command line itself is wrong: printed with the command's usage, and the command exits with 2. */
export class UsageError extends Error {}
