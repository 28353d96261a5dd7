// Decimal at its edges: every branch of parsing, rounding, signs and printing pinned to an exact value.
import { describe, expect, it } from 'vitest';
import { Decimal, formatAmount, minFractionFor, parseAmount } from '../../src/core/money.js';

const d = (text: string) => Decimal.parse(text);

describe('Decimal.of', () => {
  it('refuses a negative or fractional scale, and takes zero', () => {
    expect(() => Decimal.of(1n, -1)).toThrow(new RangeError('bad scale -1'));
    expect(() => Decimal.of(1n, 1.5)).toThrow(new RangeError('bad scale 1.5'));
    expect(Decimal.of(7n).toString()).toBe('7');
    expect(Decimal.of(7n, 0).scale).toBe(0);
  });

  it('takes integer minor units as a bigint or as a safe number, naming an unsafe one', () => {
    expect(Decimal.fromMinor(-1234n, 2).toString()).toBe('-12.34');
    expect(Decimal.fromMinor(2 ** 53 - 1, 0).toString()).toBe('9007199254740991');
    expect(() => Decimal.fromMinor(0.5, 2)).toThrow(new RangeError('0.5 is not an exact integer'));
  });
});

describe('Decimal.parse', () => {
  it('reads exponents, signs and bare points exactly', () => {
    expect(d('1e3').toString()).toBe('1000');
    expect(d('1e3').scale).toBe(0);
    expect(d('1.25E+2').toString()).toBe('125');
    expect(d('-1.5e-2').toString()).toBe('-0.015');
    expect(d('-1.5e-2').scale).toBe(3);
    expect(d('+5').toString()).toBe('5');
    expect(d('.5').toString()).toBe('0.5');
    expect(d('5.').toString()).toBe('5');
    expect(d('-.5').isNegative()).toBe(true);
    expect(d(' 12.5 ').toString()).toBe('12.5');
  });

  it('refuses what has no digits, or an exponent beyond a thousand, and names the text', () => {
    for (const text of ['', '.', '-', '+.', 'e5', '1e', '1.2.3', 'abc', '1 2', 'x5', '5x', '1.x', '1e3x']) {
      expect(() => d(text)).toThrow(new RangeError(`"${text}" is not a decimal number`));
    }
    expect(() => d('1e1001')).toThrow(new RangeError('"1e1001" is out of range'));
    expect(() => d('1e-1001')).toThrow(new RangeError('"1e-1001" is out of range'));
    expect(d('1e1000').units).toBe(10n ** 1000n);
    expect(d('1e-1000').scale).toBe(1000);
  });

  it('keeps the scale it was written with', () => {
    expect(d('12.50').scale).toBe(2);
    expect(d('12.50').units).toBe(1250n);
    expect(d('-0.050').units).toBe(-50n);
    expect(d('7').scale).toBe(0);
  });
});

describe('Decimal.fromNumber', () => {
  it('refuses infinities and NaN, naming them', () => {
    expect(() => Decimal.fromNumber(Infinity)).toThrow(new RangeError('Infinity is not a finite number'));
    expect(() => Decimal.fromNumber(-Infinity)).toThrow(new RangeError('-Infinity is not a finite number'));
    expect(() => Decimal.fromNumber(2 ** 53)).toThrow(new RangeError('9007199254740992 is beyond the range a JSON number carries exactly'));
  });

  it('reads integers, cents, tenths and longer fractions at their own scale', () => {
    const read = (n: number) => {
      const x = Decimal.fromNumber(n);
      return [x.toString(), x.scale];
    };
    expect(read(-42)).toEqual(['-42', 0]);
    expect(read(0.5)).toEqual(['0.5', 1]);
    expect(read(-0.5)).toEqual(['-0.5', 1]);
    expect(read(12.34)).toEqual(['12.34', 2]);
    expect(read(-12.34)).toEqual(['-12.34', 2]);
    expect(read(0.125)).toEqual(['0.125', 3]);
    expect(read(-0.125)).toEqual(['-0.125', 3]);
    expect(read(1.5e-10)).toEqual(['0.00000000015', 11]);
    // at and beyond 2^45 the cents shortcut does not apply; the shortest string is read instead
    expect(read(2 ** 45 + 0.25)).toEqual(['35184372088832.25', 2]);
    expect(read(-(2 ** 45) - 0.25)).toEqual(['-35184372088832.25', 2]);
    expect(read(2 ** 45 - 0.5)).toEqual(['35184372088831.5', 1]);
    // far beyond it a double is a whole cent apart from its neighbours: k/100 reads back as n, yet a shorter
    // decimal does too, and that shortest one is the value
    expect(read(2 ** 50 + 0.25)).toEqual(['1125899906842624.2', 1]);
    expect(read(-(2 ** 50) - 0.25)).toEqual(['-1125899906842624.2', 1]);
    expect(read(2 ** 49 + 0.25)).toEqual(['562949953421312.2', 1]);
  });
});

describe('Decimal arithmetic', () => {
  it('adds, subtracts and compares across scales either way round', () => {
    expect(d('1.5').add(d('0.25')).toString()).toBe('1.75');
    expect(d('0.25').add(d('1.5')).toString()).toBe('1.75');
    expect(d('1.5').sub(d('0.25')).toString()).toBe('1.25');
    expect(d('0.25').sub(d('1.5')).toString()).toBe('-1.25');
    expect(d('1.5').add(d('0.25')).scale).toBe(2);
    expect(d('0.25').sub(d('1.5')).scale).toBe(2);
    expect(d('3').sub(d('1')).toString()).toBe('2');
    expect(d('1.1').cmp(d('1.10'))).toBe(0);
    expect(d('1.10').cmp(d('1.2'))).toBe(-1);
    expect(d('1.2').cmp(d('1.10'))).toBe(1);
    expect(d('2').cmp(d('3'))).toBe(-1);
    expect(d('3').cmp(d('2'))).toBe(1);
    expect(d('2').cmp(d('2'))).toBe(0);
  });

  it('is equal across scales only when the values are', () => {
    expect(d('1.50').eq(d('1.5'))).toBe(true);
    expect(d('1.5').eq(d('1.50'))).toBe(true);
    expect(d('1.51').eq(d('1.5'))).toBe(false);
    expect(d('1.5').eq(d('1.6'))).toBe(false);
  });

  it('multiplies exactly, adding the scales', () => {
    const p = d('1.5').mul(d('-0.25'));
    expect(p.toString()).toBe('-0.375');
    expect(p.scale).toBe(3);
  });

  it('rounds halves away from zero, and to a larger scale without change', () => {
    expect(d('1.005').round(2).toString(2)).toBe('1.01');
    expect(d('-1.005').round(2).toString(2)).toBe('-1.01');
    expect(d('1.0049').round(2).toString(2)).toBe('1.00');
    expect(d('-1.0049').round(2).toString(2)).toBe('-1.00');
    expect(d('2.5').round(0).toString()).toBe('3');
    expect(d('-2.5').round(0).toString()).toBe('-3');
    expect(d('2.4').round(0).toString()).toBe('2');
    expect(d('1.25').round(2).units).toBe(125n);
    expect(d('1.25').round(3).units).toBe(1250n);
    expect(d('1.25').round(1).scale).toBe(1);
  });

  it('divides by a whole number to a given scale, halves away from zero', () => {
    expect(d('10').dividedBy(3n, 2).toString(2)).toBe('3.33');
    expect(d('-10').dividedBy(3n, 2).toString(2)).toBe('-3.33');
    expect(d('0.05').dividedBy(2n, 2).toString(2)).toBe('0.03');
    expect(d('-0.05').dividedBy(2n, 2).toString(2)).toBe('-0.03');
    expect(d('0.049').dividedBy(1n, 2).toString(2)).toBe('0.05');
    expect(d('1.2345').dividedBy(1n, 2).toString(2)).toBe('1.23');
    expect(d('7').dividedBy(7n, 0).toString()).toBe('1');
    expect(d('233.1').dividedBy(7n, 4).units).toBe(333000n);
    expect(() => d('1').dividedBy(0n, 2)).toThrow(RangeError);
  });

  it('negates parsed and computed values, and zero stays unsigned', () => {
    expect(d('5').neg().toString()).toBe('-5');
    expect(d('-5').neg().toString()).toBe('5');
    expect(d('0.00').neg().toString(2)).toBe('0.00');
    expect(d('0.00').neg().isNegative()).toBe(false);
    expect(d('1').add(d('0.5')).neg().toString()).toBe('-1.5');
    expect(Decimal.of(-15n, 1).neg().toString()).toBe('1.5');
    expect(d('5').neg().scale).toBe(0);
    expect(d('-1.20').neg().scale).toBe(2);
  });

  it('takes the absolute value, leaving a positive one as it is', () => {
    const five = d('5');
    expect(five.abs()).toBe(five);
    expect(d('-5').abs().toString()).toBe('5');
    expect(Decimal.of(-3n, 0).abs().toString()).toBe('3');
    expect(Decimal.ZERO.abs().toString()).toBe('0');
  });

  it('knows a negative value from a negative zero, parsed or computed', () => {
    expect(d('-0.00').isNegative()).toBe(false);
    expect(d('-0.01').isNegative()).toBe(true);
    expect(d('0.01').isNegative()).toBe(false);
    expect(Decimal.of(-1n, 2).isNegative()).toBe(true);
    expect(Decimal.of(0n, 2).isNegative()).toBe(false);
    expect(Decimal.of(1n, 2).isNegative()).toBe(false);
    expect(d('0.00').eq(Decimal.ZERO)).toBe(true);
    expect(d('0.01').eq(Decimal.ZERO)).toBe(false);
  });

  it('rescales up and down exactly, naming a value that would lose digits', () => {
    expect(d('1.5').rescale(1)).toStrictEqual(d('1.5'));
    expect(d('1.5').rescale(3).units).toBe(1500n);
    expect(d('1.500').rescale(1).units).toBe(15n);
    expect(() => d('1.55').rescale(1)).toThrow(new RangeError('1.55 has more than 1 decimals'));
  });
});

describe('Decimal printing', () => {
  it('prints leading zeros away and pads to the minimum fraction', () => {
    expect(d('007').toString()).toBe('7');
    expect(d('01.25').toString(2)).toBe('1.25');
    expect(d('-01.25').toString(2)).toBe('-1.25');
    expect(d('-007.50').toString(2)).toBe('-7.50');
    expect(d('0.0').toString()).toBe('0');
    expect(d('-0.0').toString(2)).toBe('0.00');
    expect(d('0.05').toString(2)).toBe('0.05');
    expect(d('-0.05').toString(2)).toBe('-0.05');
    expect(d('12.50').toString(2)).toBe('12.50');
    expect(d('12.5').toString(3)).toBe('12.500');
    expect(d('12.500').toString(0)).toBe('12.5');
    expect(d('1200').toString(0)).toBe('1200');
    expect(JSON.stringify({ a: d('-1.50') })).toBe('{"a":"-1.5"}');
  });
});

describe('units', () => {
  it('shows cents for an ISO currency and what there is for anything else', () => {
    expect(minFractionFor('USD')).toBe(2);
    expect(minFractionFor('EUR')).toBe(2);
    expect(minFractionFor('credits')).toBe(0);
    expect(minFractionFor('usd')).toBe(0);
    expect(minFractionFor('USDT')).toBe(0);
    expect(minFractionFor('XUSD')).toBe(0);
    expect(formatAmount(d('5'), 'EUR')).toBe('5.00');
    expect(formatAmount(d('5.10'), 'credits')).toBe('5.1');
  });
});

describe('parseAmount', () => {
  it('reads a plain decimal with a sign, a bare point or spaces around it', () => {
    expect(parseAmount('+5').toString()).toBe('5');
    expect(parseAmount(' 2.50 ').toString(2)).toBe('2.50');
    expect(parseAmount('5.').toString()).toBe('5');
    expect(parseAmount('-.5').toString()).toBe('-0.5');
    expect(parseAmount('.25').toString()).toBe('0.25');
  });

  it('refuses anything else, naming it', () => {
    for (const text of ['.', '1.2.3', 'x5', '5x', '1e3', '+-5', ' ']) {
      expect(() => parseAmount(text)).toThrow(new RangeError(`"${text}" is not an amount`));
    }
  });
});
