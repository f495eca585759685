// Invariant checks that stay on in production. A failed assertion is a programmer error: it throws
// AssertionError and the caller is expected to crash rather than continue with corrupt state.
// Bad input from outside is never checked with assert; it gets a ZwError with a stable code.

export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Marks a branch the type system proves unreachable (exhaustive switches). */
export function unreachable(value: never): never {
  throw new AssertionError(`unreachable: ${String(value)}`);
}
