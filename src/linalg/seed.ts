/**
 * The one seed policy, for every seed a user types (command-line flags, the page's URL and custom builder): a seed
 * is an integer 0 ≤ seed < 2^31, written in decimal digits. Anything else is refused with one line naming the field
 * (`seedError`). The range is what every generator here takes without losing bits (int32-safe arithmetic).
 */

/** Seeds are the integers in [0, SEED_LIMIT). */
export const SEED_LIMIT = 2 ** 31;

/** Whether `x` is a valid seed. */
export function isSeed(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < SEED_LIMIT;
}

/** The seed written as `text` (decimal digits, surrounding space ignored), or undefined when it is not a valid seed. */
export function parseSeed(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  const x = Number(t);
  return isSeed(x) ? x : undefined;
}

/** The one-line message for an invalid seed: `label` names the field (e.g. `--seed`), `got` is what was given. */
export function seedError(label: string, got: string): string {
  return `${label} must be a whole number in [0, ${SEED_LIMIT - 1}], got '${got}'`;
}
