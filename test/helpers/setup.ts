// Runs before every test file: toEqual compares exact decimals by value. Decimal keeps its digits in
// private fields, which toEqual cannot see, so Decimal(1) and Decimal(2) would otherwise be "equal".
import { expect } from 'vitest';
import { Decimal } from '../../src/core/money.js';

expect.addEqualityTesters([
  (a: unknown, b: unknown) => {
    if (!(a instanceof Decimal) || !(b instanceof Decimal)) return undefined;
    return a.scale === b.scale && a.units === b.units;
  },
]);
