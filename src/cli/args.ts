import { InvalidArgumentError } from 'commander';

/** A commander parser of a whole number from `min` to `max`, naming the option when it is not. */
export const int =
  (name: string, min: number, max: number) =>
  (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return Number(v);
  };
