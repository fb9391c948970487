/** Bad input to the bench CLI: it prints one line `error: …` saying what to do, exits 2, no stack trace. */
export class UsageError extends Error {}
