// Kubernetes resource quantities: parsing into milli-units (rounded up like Quantity.MilliValue) and canonical printing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatCpu } from '../../server/src/core/index';
import { formatQuantity, parseQuantity, quantityError } from '../../server/src/core/quantity';

const Ki = 1024;
const Mi = 1024 * Ki;
const Gi = 1024 * Mi;

describe('parseQuantity', () => {
  const cases: Array<[string, string | number, number | undefined]> = [
    ['a plain integer is whole units, returned as milli-units', '1', 1000],
    ['a milli suffix is read exactly (cpu 500m is half a core)', '500m', 500],
    ['a decimal fraction without suffix is read as units', '0.5', 500],
    ['a leading-dot fraction is accepted', '.5', 500],
    ['binary suffixes are powers of 1024', '1Gi', Gi * 1000],
    ['binary suffixes accept fractions (1.5Gi)', '1.5Gi', 1.5 * Gi * 1000],
    ['Mi is 2^20', '256Mi', 256 * Mi * 1000],
    ['Ki is 2^10', '4Ki', 4 * Ki * 1000],
    ['decimal suffix k is 1000', '1k', 1_000_000],
    ['decimal suffix M is 10^6 (not Mi)', '1M', 1_000_000_000],
    ['decimal suffix G is 10^9', '2G', 2e9 * 1000],
    ['a decimal exponent is accepted (1e3)', '1e3', 1_000_000],
    ['an upper-case exponent is an exponent, not the exa suffix, when digits follow (1E3)', '1E3', 1_000_000],
    ['E alone is the exa suffix', '1E', 1e18 * 1000],
    ['sub-milli precision rounds up to one milli-unit (100n)', '100n', 1],
    ['micro units round up to one milli-unit (1u)', '1u', 1],
    ['zero is zero', '0', 0],
    ['zero with a suffix is zero', '0Mi', 0],
    ['surrounding whitespace is trimmed', ' 1Gi ', Gi * 1000],
    ['a negative quantity parses (fields reject it separately)', '-1', -1000],
    ['a YAML number is read like its text (2)', 2, 2000],
    ['a YAML float is read like its text (0.1)', 0.1, 100],
    ['a word is not a quantity', 'lots', undefined],
    ['decimal-style bytes "GB" is not a Kubernetes suffix', '1GB', undefined],
    ['a space between number and suffix is invalid', '1 Gi', undefined],
    ['an empty string is invalid', '', undefined],
    ['a dangling exponent is invalid', '1e', undefined],
    ['a lower-case binary suffix is invalid', '1gi', undefined],
    ['an infinite number is invalid', Number.POSITIVE_INFINITY, undefined],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => assert.equal(parseQuantity(input), expected));
  }
});

describe('formatQuantity and formatCpu', () => {
  const cases: Array<[string, number, 'binary' | 'decimal' | undefined, string]> = [
    ['whole gibibytes print as Gi (2Gi, as in kubelet eviction messages)', 2 * Gi * 1000, undefined, '2Gi'],
    ['1.5 GiB prints as 1536Mi', 1536 * Mi * 1000, undefined, '1536Mi'],
    ['1500 MiB prints as 1500Mi', 1500 * Mi * 1000, undefined, '1500Mi'],
    ['a count that is no power-of-two multiple prints bare (1200)', 1_200_000, undefined, '1200'],
    ['exactly 1024 prints as 1Ki', 1024 * 1000, undefined, '1Ki'],
    ['fractional units print as milli (250m)', 250, undefined, '250m'],
    ['zero prints as 0', 0, undefined, '0'],
    ['decimal kind never uses binary suffixes', Gi * 1000, 'decimal', String(Gi)],
  ];
  for (const [name, milli, kind, expected] of cases) {
    test(name, () => assert.equal(kind === undefined ? formatQuantity(milli) : formatQuantity(milli, kind), expected));
  }
  test('formatCpu prints whole cores bare and fractions in milli-cores', () => {
    assert.equal(formatCpu(2000), '2');
    assert.equal(formatCpu(250), '250m');
    assert.equal(formatCpu(1500), '1500m');
  });
  test('parse then format round-trips canonical memory quantities', () => {
    for (const q of ['2Gi', '1536Mi', '512Mi', '1Ki', '3']) assert.equal(formatQuantity(parseQuantity(q) ?? NaN), q);
  });
});

test('quantityError gives the message resource.ParseQuantity gives for what it cannot decode', () => {
  const format = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  const suffix = "unable to parse quantity's suffix";
  // Decodable: numbers, known suffixes, exponents, upstream's tolerated forms (`1.G`, surrounding spaces).
  for (const ok of ['0', '1', '500m', '1.5Gi', '1e3', '1E-3', '1.G', ' 2Mi ', '-1', '+1', '.5', '12E'])
    assert.equal(quantityError(ok), undefined, ok);
  // The split fails: characters outside the number and suffix alphabet, or a suffix followed by something else.
  for (const bad of ['', 'lots', '256MB', '1Gb', '${ACCELERATOR_QUANTITY}', '1e3.5', '["1Gi"]', '1 Gi', '1KI'])
    assert.equal(quantityError(bad), format, bad);
  // The split works but the suffix is unknown.
  for (const bad of ['1mi', '1e', '1Mm', '1kk']) assert.equal(quantityError(bad), suffix, bad);
});
