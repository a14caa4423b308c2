/**
 * Thrown by a target's read when the reader returned something it must not have: two readers of one format that
 * disagree, or data whose length does not match its shape. Always a crash, never a rejection.
 */
export class Finding extends Error {
  override readonly name = 'Finding';
}
