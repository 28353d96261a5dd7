import { describe, expect, it } from 'vitest';
import { Decimal, formatAmount, parseAmount, withinDoubleNoise } from '../../src/core/money.js';

describe('Decimal', () => {
  it('adds 0.1 and 0.2 to exactly 0.3', () => {
    const sum = Decimal.fromNumber(0.1).add(Decimal.fromNumber(0.2));
    expect(sum.toString()).toBe('0.3');
    expect(sum.eq(Decimal.parse('0.3'))).toBe(true);
  });

  it('subtracts 0.258 from 16905.835 exactly', () => {
    expect(Decimal.fromNumber(16905.835).sub(Decimal.fromNumber(0.258)).toString()).toBe('16905.577');
  });

  it('keeps negative amounts and their sign through arithmetic and formatting', () => {
    const a = Decimal.parse('-12.50');
    expect(a.toString(2)).toBe('-12.50');
    expect(a.add(Decimal.parse('12.5')).toString()).toBe('0');
    expect(Decimal.parse('-0.05').toString(2)).toBe('-0.05');
    expect(a.isNegative()).toBe(true);
    expect(a.abs().toString(2)).toBe('12.50');
  });

  it('turns integer cents into dollars', () => {
    expect(Decimal.fromMinor(4250, 2).toString(2)).toBe('42.50');
    expect(Decimal.fromMinor(-12, 2).toString(2)).toBe('-0.12');
    expect(Decimal.fromMinor(5, 2).toString(2)).toBe('0.05');
    expect(formatAmount(Decimal.fromMinor(4262, 2), 'USD')).toBe('42.62');
    expect(formatAmount(Decimal.fromMinor(14847, 0), 'credits')).toBe('14847');
  });

  it('is exact beyond 2^53 minor units', () => {
    const big = Decimal.fromMinor(9007199254740993n, 2); // 2^53 + 1 cents
    expect(big.toString(2)).toBe('90071992547409.93');
    expect(big.add(Decimal.fromMinor(1n, 2)).toString(2)).toBe('90071992547409.94');
    expect(Decimal.parse('123456789012345678901234.56').sub(Decimal.parse('0.01')).toString()).toBe('123456789012345678901234.55');
  });

  it('refuses a JSON integer that cannot have survived JSON.parse', () => {
    expect(() => Decimal.fromNumber(2 ** 53 + 2)).toThrow(RangeError);
    expect(() => Decimal.fromNumber(Number.NaN)).toThrow(RangeError);
    expect(() => Decimal.fromMinor(2 ** 60, 2)).toThrow(RangeError);
  });

  it('reads floats through their shortest decimal form, exponents included', () => {
    expect(Decimal.fromNumber(1e-7).toString()).toBe('0.0000001');
    expect(Decimal.fromNumber(81.4).toString(2)).toBe('81.40');
    expect(Decimal.fromNumber(-0.1).toString()).toBe('-0.1');
  });

  it('reads cents without the double-to-string, to the same decimal as the shortest string within the noise', () => {
    // the cents fast path and the search of precisions must agree exactly, scale included, with the rule read
    // slowly: the fewest significant digits whose decimal is within 2^-44 of n and 0.00005, else String(n)
    const viaString = (n: number) => {
      // String(n) is the shortest decimal that is n itself: fewer digits are tried before it
      const digits = String(n).replace(/e.*$/, '').replace(/\D/g, '').replace(/^0+/, '').length;
      for (let p = 1; p < digits; p++) {
        const text = n.toPrecision(p);
        if (Math.abs(Number(text) - n) <= Math.min(Math.abs(n) * 2 ** -44, 0.00005)) {
          const [mantissa = '', exponent] = text.split('e');
          const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
          return Decimal.parse(exponent === undefined ? trimmed : `${trimmed}e${exponent}`);
        }
      }
      return Decimal.parse(String(n));
    };
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const samples = [0.01, -0.01, 0.05, 0.1, 0.29, 1.005, 12.5, -12.5, 81.4, 16905.835, 1e-7, 2 ** 45 - 0.25, 2 ** 44 + 0.5];
    for (let i = 0; i < 20000; i++) {
      const magnitude = 10 ** Math.floor(random() * 17);
      samples.push(Math.round((random() - 0.5) * magnitude * 100) / 100, (random() - 0.5) * magnitude, Math.round(random() * 1e6) / 1000);
    }
    const differ = samples.filter((n) => {
      const fast = Decimal.fromNumber(n);
      const slow = viaString(n);
      return fast.scale !== slow.scale || fast.units !== slow.units || fast.toString(2) !== slow.toString(2);
    });
    expect(differ).toEqual([]);
  });

  it('prints every decimal as plain digit arithmetic does, however it was made', () => {
    // toString has a shortcut for amounts already at the scale shown; held here to a reference
    const reference = (units: bigint, scale: number, minFraction: number): string => {
      const negative = units < 0n;
      const padded = (negative ? -units : units).toString().padStart(scale + 1, '0');
      let fraction = padded.slice(padded.length - scale).replace(/0+$/, '');
      while (fraction.length < minFraction) fraction += '0';
      const whole = padded.slice(0, padded.length - scale);
      const text = fraction ? `${whole}.${fraction}` : whole;
      return negative ? `-${text}` : text;
    };
    const texts = ['0.00', '-0.05', '0.5', '5', '-5', '12.50', '-12.50', '0012.34', '-00.07', '100.00', '7.125', '-0.10', '10', '1.1'];
    for (let i = 0; i < 3000; i++) {
      const units = BigInt(Math.floor(Math.sin(i) * 10 ** (i % 12)));
      const scale = i % 5;
      const made = [Decimal.of(units, scale), Decimal.parse(reference(units, scale, scale))];
      for (const d of made) {
        for (const minFraction of [0, 2, scale]) expect(d.toString(minFraction)).toBe(reference(d.units, d.scale, minFraction));
      }
    }
    for (const t of texts) {
      const d = Decimal.parse(t);
      for (const minFraction of [0, 1, 2, 3]) expect(d.toString(minFraction)).toBe(reference(d.units, d.scale, minFraction));
    }
  });

  it('compares across scales', () => {
    expect(Decimal.parse('1.10').cmp(Decimal.parse('1.1'))).toBe(0);
    expect(Decimal.parse('1.09').cmp(Decimal.parse('1.1'))).toBe(-1);
    expect(Decimal.parse('2').cmp(Decimal.parse('1.999'))).toBe(1);
  });

  it('rescales only when no digit is lost', () => {
    expect(Decimal.parse('1.5').rescale(3).toString(3)).toBe('1.500');
    expect(Decimal.parse('1.500').rescale(1).toString()).toBe('1.5');
    expect(() => Decimal.parse('1.55').rescale(1)).toThrow(RangeError);
  });

  it('sums a thousand 0.1 credits to exactly 100', () => {
    let sum = Decimal.ZERO;
    let float = 0;
    for (let i = 0; i < 1000; i++) {
      sum = sum.add(Decimal.fromNumber(0.1));
      float += 0.1;
    }
    expect(sum.toString()).toBe('100');
    expect(float).not.toBe(100);
  });
});

describe('parseAmount', () => {
  it.each(['10', '2.50', '-3', '.5', '0'])('accepts %s', (text) => {
    expect(() => parseAmount(text)).not.toThrow();
  });
  it.each(['abc', '', '1e3', '1,000', '--1', '$5'])('rejects %j', (text) => {
    expect(() => parseAmount(text)).toThrow(RangeError);
  });
});

describe("the suite's equality for decimals", () => {
  it('tells decimals apart by value and scale in toEqual, inside objects too', () => {
    expect(Decimal.parse('1')).not.toEqual(Decimal.parse('2'));
    expect({ tolerance: Decimal.parse('0.01') }).not.toEqual({ tolerance: Decimal.ZERO });
    expect(Decimal.parse('1.50')).not.toEqual(Decimal.parse('1.5'));
    expect({ min: Decimal.parse('10.5') }).toEqual({ min: Decimal.parse('10.5') });
  });
});

describe('the noise of a provider that sums doubles (SPEC §2)', () => {
  const read = (n: number) => Decimal.fromNumber(n).toString();

  it('reads the noise of double arithmetic away', () => {
    expect(read(0.30000000000000004)).toBe('0.3');
    expect(read(7.10000000000001)).toBe('7.1');
    expect(read(0.1 + 0.2)).toBe('0.3');
    // 0.1 added up 71 and 500 times in doubles
    expect(read(7.099999999999991)).toBe('7.1');
    expect(read(50.00000000000044)).toBe('50');
    expect(read(-49.80000000000044)).toBe('-49.8');
    expect(read(1.0000000000000002e-7)).toBe('0.0000001');
  });

  it('keeps every figure that is meant: hundredths of a cent, long fractions, one credit in ten million', () => {
    expect(read(7.1001)).toBe('7.1001');
    expect(read(99999999.9999)).toBe('99999999.9999');
    expect(read(10000000.5)).toBe('10000000.5');
    expect(read(0.000123456789)).toBe('0.000123456789');
    expect(read(150711.62579566)).toBe('150711.62579566');
    expect(read(81.23456789012)).toBe('81.23456789012');
    // past the 13th significant digit a figure may be read as noise: 2^-44 of it at most
    expect(read(81.2345678901234)).toBe('81.23456789012');
    expect(read(0.1)).toBe('0.1');
  });

  it('never moves a figure by more than half a hundredth of a cent, however large', () => {
    // at 2^50 a double's neighbours are 0.25 apart: the shortest string stays
    expect(read(2 ** 50 + 0.25)).toBe('1125899906842624.2');
    expect(read(36989355087.28027)).toBe('36989355087.2803');
  });

  it('remembers that a figure came from a double, through the arithmetic it takes part in', () => {
    const double = Decimal.fromNumber(0.1);
    const exact = Decimal.parse('0.1');
    expect(double.fromDouble).toBe(true);
    expect(exact.fromDouble).toBe(false);
    expect(Decimal.fromNumber(12.34).fromDouble).toBe(true);
    expect(Decimal.fromNumber(12).fromDouble).toBe(false);
    expect(exact.add(double).fromDouble).toBe(true);
    expect(double.sub(exact).fromDouble).toBe(true);
    expect(double.neg().fromDouble).toBe(true);
    expect(Decimal.fromNumber(-0.1).abs().fromDouble).toBe(true);
    expect(exact.add(exact).neg().fromDouble).toBe(false);
  });

  it('tells the noise of doubles from a difference', () => {
    const d = (n: number) => Decimal.fromNumber(n);
    // 0.000000000000004 between balances of 50: noise; a hundredth of a cent: a difference
    expect(withinDoubleNoise(Decimal.parse('0.000000000000004'), d(50), 2, 1)).toBe(true);
    expect(withinDoubleNoise(Decimal.parse('0.0001'), d(7.1), 3, 1)).toBe(false);
    // never more than 0.00005, however large the balance
    expect(withinDoubleNoise(Decimal.parse('0.00005'), d(1e12), 3, 1)).toBe(true);
    expect(withinDoubleNoise(Decimal.parse('0.00006'), d(1e12), 3, 1)).toBe(false);
    // more figures and additions, more noise allowed
    expect(withinDoubleNoise(Decimal.parse('0.0000000001'), d(100), 2, 0)).toBe(false);
    expect(withinDoubleNoise(Decimal.parse('0.0000000001'), d(100), 200, 200)).toBe(true);
  });
});

describe('a figure an export wrote (reconcile --file)', () => {
  it('is read digit for digit, and held to the noise rule where a double could have carried it', () => {
    for (const text of ['-12.50', '0.1', '7', '500.00000000005', '1e-7', '-0.0001']) {
      const d = Decimal.parseExported(text);
      expect([text, d.toString(), d.fromDouble]).toEqual([text, Decimal.parse(text).toString(), true]);
      expect(d.eq(Decimal.parse(text))).toBe(true);
    }
    const long = Decimal.parseExported('12345678901234567.89');
    expect([long.toString(), long.fromDouble]).toEqual(['12345678901234567.89', false]);
  });
});
