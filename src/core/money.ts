// Exact decimal amounts (SPEC §2): an integer count of 10^-scale units, never a float.

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const PLAIN_DECIMAL_RE = /^-?\d+(\.\d+)?$/;
/** Below this magnitude a double's neighbours are less than a cent away (ulp at most 2^-8). */
const CENTS_EXACT_BELOW = 2 ** 45;
/**
 * The noise of a provider's double arithmetic (SPEC §2): a figure that came as a JSON number is read as the
 * shortest decimal within 2^-44 of its size (a double keeps 2^-52; 0.1 added up 500 times in doubles is
 * 50.00000000000044, 2^-47 off) and never more than NOISE_ABSOLUTE from it, so noise is neither printed nor a
 * discrepancy while a hundredth of a cent is always one.
 */
const NOISE_RELATIVE = 2 ** -44;
/** Half a hundredth of a cent: no reading or comparison of doubles ever absorbs more. */
const NOISE_ABSOLUTE = 0.00005;
/** The rounding of one addition in doubles, relative to its result. */
const DOUBLE_ROUNDING = 2 ** -52;
const POW10: bigint[] = [];
function pow10(n: number): bigint {
  let p = POW10[n];
  if (p === undefined) {
    p = 10n ** BigInt(n);
    if (n < 64) POW10[n] = p;
  }
  return p;
}

export class Decimal {
  #units: bigint | undefined;
  /** The signed integer digits of `units` ("-1250" for -12.50), kept when parsed so printing needs no bigint. */
  readonly #digits: string | undefined;

  /** value = units / 10^scale; give units, or the digit string they are parsed from on first use. */
  private constructor(
    units: bigint | undefined,
    readonly scale: number,
    digits?: string,
    /** Whether this came from a JSON number (a double), or from arithmetic one took part in: see `withinDoubleNoise`. */
    readonly fromDouble = false,
  ) {
    this.#units = units;
    this.#digits = digits;
  }

  /** The value times 10^scale, exactly. */
  get units(): bigint {
    if (this.#units === undefined) this.#units = BigInt(this.#digits as string);
    return this.#units;
  }

  static readonly ZERO = new Decimal(0n, 0);

  static of(units: bigint, scale = 0): Decimal {
    if (!Number.isInteger(scale) || scale < 0) throw new RangeError(`bad scale ${scale}`);
    return new Decimal(units, scale);
  }

  /** Integer minor units: cents with scale 2, whole credits with scale 0. */
  static fromMinor(minor: bigint | number, scale: number): Decimal {
    if (typeof minor === 'number') {
      if (!Number.isSafeInteger(minor)) throw new RangeError(`${minor} is not an exact integer`);
      return Decimal.of(BigInt(minor), scale);
    }
    return Decimal.of(minor, scale);
  }

  /** Parses a decimal string exactly: "-12.50", "0.1", "1e-7". Throws RangeError on anything else. */
  static parse(text: string): Decimal {
    // plain "-12.50" (exports, provider strings): digits kept, bigint made on first use
    if (PLAIN_DECIMAL_RE.test(text)) {
      const dot = text.indexOf('.');
      return dot < 0
        ? new Decimal(undefined, 0, text)
        : new Decimal(undefined, text.length - dot - 1, text.slice(0, dot) + text.slice(dot + 1));
    }
    const m = DECIMAL_RE.exec(text.trim());
    if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) {
      throw new RangeError(`"${text}" is not a decimal number`);
    }
    const sign = m[1] === '-' ? -1n : 1n;
    const intPart = m[2] ?? '';
    const fracPart = m[3] ?? '';
    const exp = m[4] === undefined ? 0 : Number.parseInt(m[4], 10);
    if (Math.abs(exp) > 1000) throw new RangeError(`"${text}" is out of range`);
    let units = BigInt(`${intPart}${fracPart}` || '0');
    let scale = fracPart.length - exp;
    if (scale < 0) {
      units *= pow10(-scale);
      scale = 0;
    }
    return new Decimal(sign * units, scale);
  }

  /**
   * Reads a JSON number: an integer exactly; a fraction as the shortest decimal within the noise of double
   * arithmetic (NOISE_RELATIVE, NOISE_ABSOLUTE), so 0.1 is exactly 0.1 and 0.30000000000000004 is 0.3. A fraction
   * read so remembers it came from a double (`fromDouble`), and so do sums it takes part in. An integer beyond
   * 2^53 cannot have come through JSON.parse intact, so it is refused.
   */
  static fromNumber(n: number): Decimal {
    if (!Number.isFinite(n)) throw new RangeError(`${n} is not a finite number`);
    if (Number.isInteger(n) && !Number.isSafeInteger(n)) {
      throw new RangeError(`${n} is beyond the range a JSON number carries exactly`);
    }
    if (Number.isInteger(n)) return new Decimal(undefined, 0, String(n));
    // Cents, the usual case: when k/100 (a correctly rounded division) is n, the decimal k/100 reads
    // back as n, and below 2^45 the doubles are closer together than a cent, so no shorter decimal
    // does: k/100 is the shortest string's value, found without the costlier double-to-string. No
    // shorter decimal is within the noise either: it would be a cent or more away.
    if (n < CENTS_EXACT_BELOW && n > -CENTS_EXACT_BELOW) {
      const k = Math.round(n * 100);
      if (k / 100 === n) {
        return k % 10 === 0 ? new Decimal(undefined, 1, String(k / 10), true) : new Decimal(undefined, 2, String(k), true);
      }
    }
    const text = withoutNoise(n);
    const dot = text.indexOf('.');
    // plain notation (the usual case) needs no regex: the digits without the point, scaled
    if (dot > 0 && !text.includes('e'))
      return new Decimal(undefined, text.length - dot - 1, text.slice(0, dot) + text.slice(dot + 1), true);
    const parsed = Decimal.parse(text);
    return new Decimal(parsed.units, parsed.scale, undefined, true);
  }

  /**
   * A figure an export wrote (reconcile --file). The file does not say whether the provider sent it as a JSON
   * number, so where a double could have carried it (17 significant digits or fewer) it is held to the noise
   * rule of doubles, as it was when read live; it is read exactly, digit for digit, either way.
   */
  static parseExported(text: string): Decimal {
    if (significantDigits(text) > 17) return Decimal.parse(text);
    // plain "-12.50", as tally writes its figures: digits kept, bigint made on first use, as in parse
    if (PLAIN_DECIMAL_RE.test(text)) {
      const dot = text.indexOf('.');
      return dot < 0
        ? new Decimal(undefined, 0, text, true)
        : new Decimal(undefined, text.length - dot - 1, text.slice(0, dot) + text.slice(dot + 1), true);
    }
    const d = Decimal.parse(text);
    return new Decimal(d.units, d.scale, undefined, true);
  }

  /** A result of arithmetic on this and `other`: from a double when either is. */
  private result(units: bigint, scale: number, other?: Decimal): Decimal {
    return new Decimal(units, scale, undefined, this.fromDouble || other?.fromDouble === true);
  }

  private align(other: Decimal): [bigint, bigint, number] {
    if (this.scale === other.scale) return [this.units, other.units, this.scale];
    if (this.scale > other.scale) {
      return [this.units, other.units * pow10(this.scale - other.scale), this.scale];
    }
    return [this.units * pow10(other.scale - this.scale), other.units, other.scale];
  }

  add(other: Decimal): Decimal {
    if (this.scale === other.scale) return this.result(this.units + other.units, this.scale, other);
    const [a, b, s] = this.align(other);
    return this.result(a + b, s, other);
  }

  sub(other: Decimal): Decimal {
    if (this.scale === other.scale) return this.result(this.units - other.units, this.scale, other);
    const [a, b, s] = this.align(other);
    return this.result(a - b, s, other);
  }

  mul(other: Decimal): Decimal {
    return new Decimal(this.units * other.units, this.scale + other.scale);
  }

  /** Rounded to `scale` decimals, halves away from zero (as money is rounded on receipts). */
  round(scale: number): Decimal {
    if (scale >= this.scale) return this.rescale(scale);
    return new Decimal(divideHalfAway(this.units, pow10(this.scale - scale)), scale);
  }

  /** This divided by a positive whole number, rounded to `scale` decimals, halves away from zero. */
  dividedBy(divisor: bigint, scale: number): Decimal {
    if (divisor <= 0n) throw new RangeError(`cannot divide by ${divisor}`);
    const units = scale >= this.scale ? this.units * pow10(scale - this.scale) : this.units;
    const by = scale >= this.scale ? divisor : divisor * pow10(this.scale - scale);
    return new Decimal(divideHalfAway(units, by), scale);
  }

  neg(): Decimal {
    const d = this.#digits;
    if (d !== undefined) {
      const digits = d.startsWith('-') ? d.slice(1) : /^0+$/.test(d) ? d : `-${d}`;
      return new Decimal(undefined, this.scale, digits, this.fromDouble);
    }
    return this.result(-this.units, this.scale);
  }

  abs(): Decimal {
    return this.units < 0n ? this.neg() : this;
  }

  cmp(other: Decimal): -1 | 0 | 1 {
    let a: bigint;
    let b: bigint;
    if (this.scale === other.scale) {
      a = this.units;
      b = other.units;
    } else {
      [a, b] = this.align(other);
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }

  eq(other: Decimal): boolean {
    // the hot path of every chain check: same scale, no allocation
    if (this.scale === other.scale) return this.units === other.units;
    return this.cmp(other) === 0;
  }

  isNegative(): boolean {
    const d = this.#digits;
    return d !== undefined ? d.startsWith('-') && !/^-0+$/.test(d) : this.units < 0n;
  }

  /** The same value at a larger scale (exact); a smaller scale only when no digit is lost. */
  rescale(scale: number): Decimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new Decimal(this.units * pow10(scale - this.scale), scale);
    const f = pow10(this.scale - scale);
    if (this.units % f !== 0n) throw new RangeError(`${this.toString()} has more than ${scale} decimals`);
    return new Decimal(this.units / f, scale);
  }

  /**
   * Exact decimal string with at least `minFraction` decimals and no trailing zeros beyond them:
   * 42.5 with minFraction 2 is "42.50"; 0.125 stays "0.125".
   */
  toString(minFraction = 0): string {
    const signed = this.#digits ?? this.units.toString();
    const scale0 = this.scale;
    if (scale0 === minFraction && scale0 > 0) {
      // the usual amount (cents shown as cents): the point goes in, nothing else changes
      const lead = signed.charCodeAt(0) === 45 ? 1 : 0;
      const first = signed.charCodeAt(lead);
      if (signed.length - lead > scale0 && first > 48 && first <= 57) {
        return `${signed.slice(0, signed.length - scale0)}.${signed.slice(signed.length - scale0)}`;
      }
    }
    const negative = signed.startsWith('-');
    let digits = negative ? signed.slice(1) : signed;
    if (digits.length > 1 && digits.charCodeAt(0) === 48) digits = digits.replace(/^0+(?=\d)/, '');
    if (digits === '0') return minFraction > 0 ? `0.${'0'.repeat(minFraction)}` : '0';
    let scale = this.scale;
    // drop trailing zeros beyond minFraction
    while (scale > minFraction && digits.endsWith('0')) {
      digits = digits.slice(0, -1);
      scale--;
    }
    while (scale < minFraction) {
      digits += '0';
      scale++;
    }
    let text: string;
    if (scale === 0) {
      text = digits;
    } else {
      const padded = digits.padStart(scale + 1, '0');
      text = `${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
    }
    return negative ? `-${text}` : text;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** Significant digits of a double's shortest string ("-0.00120" → 2, "1.5e-10" → 2). */
function significantDigits(text: string): number {
  let count = 0;
  let leading = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 101) break; // e
    if (c < 48 || c > 57) continue;
    if (leading && c === 48) continue;
    leading = false;
    count++;
  }
  return count;
}

/**
 * The shortest decimal within the noise of `n` (see NOISE_RELATIVE), as a string. A double's shortest string of
 * 13 significant digits or fewer has no shorter decimal that near (the nearest is 10^-13 of it away or more).
 * More digits only come nearer, so the fewest that are near enough are found by halving the range.
 */
function withoutNoise(n: number): string {
  const text = String(n);
  const digits = significantDigits(text);
  if (digits <= 13) return text;
  const tolerance = Math.min(Math.abs(n) * NOISE_RELATIVE, NOISE_ABSOLUTE);
  const near = (p: number) => Math.abs(Number(n.toPrecision(p)) - n) <= tolerance;
  if (!near(digits - 1)) return text;
  let lo = 1;
  let hi = digits - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (near(mid)) hi = mid;
    else lo = mid + 1;
  }
  return trimZeros(n.toPrecision(lo));
}

/** "7.1000" → "7.1", "1.2300e-7" → "1.23e-7", "100" stays. */
function trimZeros(text: string): string {
  const e = text.indexOf('e');
  const mantissa = e < 0 ? text : text.slice(0, e);
  if (!mantissa.includes('.')) return text;
  const trimmed = mantissa.replace(/0+$/, '').replace(/\.$/, '');
  return e < 0 ? trimmed : trimmed + text.slice(e);
}

/**
 * Whether `difference`, between figures of up to `magnitude` of which some came as JSON numbers (`fromDouble`),
 * is only the noise of the provider's double arithmetic and of reading it (SPEC §2): each of `figures` read
 * within NOISE_RELATIVE, each of `additions` the provider made rounded by DOUBLE_ROUNDING, and never more than
 * NOISE_ABSOLUTE, so a hundredth of a cent is always a difference. Only for figures from doubles: integers and
 * decimal strings are exact, and so is their comparison.
 */
export function withinDoubleNoise(difference: Decimal, magnitude: Decimal, figures: number, additions: number): boolean {
  const size = Math.abs(Number(magnitude.toString()));
  const bound = Math.min((figures * NOISE_RELATIVE + additions * DOUBLE_ROUNDING) * size, NOISE_ABSOLUTE);
  return Math.abs(Number(difference.toString())) <= bound;
}

/**
 * Whether `a` and `b` are the same figure: equal, or, where either came as a JSON number (or from arithmetic one
 * took part in), apart by no more than that noise (`withinDoubleNoise`, the larger of the two as the magnitude).
 */
export function sameFigure(a: Decimal, b: Decimal, figures: number, additions: number): boolean {
  if (a.eq(b)) return true;
  const difference = a.sub(b);
  return difference.fromDouble && withinDoubleNoise(difference, a.abs().cmp(b.abs()) >= 0 ? a : b, figures, additions);
}

/** n / d (d > 0) to the nearest whole number, halves away from zero. */
function divideHalfAway(n: bigint, d: bigint): bigint {
  const negative = n < 0n;
  const abs = negative ? -n : n;
  let q = abs / d;
  if ((abs % d) * 2n >= d) q += 1n;
  return negative ? -q : q;
}

const MIN_FRACTION = new Map<string, number>();

/** Decimals shown at least, per unit: currencies show cents, credits show what they have. */
export function minFractionFor(unit: string): number {
  // asked twice for every exported entry, of one or two units: remembered
  let n = MIN_FRACTION.get(unit);
  if (n === undefined) {
    n = /^[A-Z]{3}$/.test(unit) ? 2 : 0;
    if (MIN_FRACTION.size < 64) MIN_FRACTION.set(unit, n);
  }
  return n;
}

export function formatAmount(value: Decimal, unit: string): string {
  return value.toString(minFractionFor(unit));
}

/** Parses a user-given amount (a flag value); RangeError on anything that is not a plain decimal. */
export function parseAmount(text: string): Decimal {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text.trim())) {
    throw new RangeError(`"${text}" is not an amount`);
  }
  return Decimal.parse(text);
}
