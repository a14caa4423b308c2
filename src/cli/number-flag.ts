import { ConfigError } from '../errors.js';

/** A numeric flag's value, or a ConfigError naming the flag: `--lr must be a number ≥ 0, got "abc"`. */
export function numberFlag(flag: string, value: string, integer: boolean, min: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min) {
    throw new ConfigError(`${flag} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got "${value}"`);
  }
  return n;
}
