// Kubernetes resource quantities (`500m`, `1Gi`, `1e3`, `0.5`) parsed into milli-units, the way resource.Quantity reads them.
// Milli-units keep cpu exact; memory up to petabytes stays within a double's exact integer range.

const binarySuffixes: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimalSuffixes: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

// `\d+(?:\.\d*)?`, not `\d+\.?\d*`: two adjacent digit runs backtrack quadratically on a long digit string.
const quantityPattern = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** parseQuantity returns the quantity in milli-units (rounded up, as Quantity.MilliValue does), or undefined when invalid. */
export function parseQuantity(input: string | number): number | undefined {
  const text = typeof input === 'number' ? numberToText(input) : input.trim();
  if (text === undefined) return undefined;
  const match = quantityPattern.exec(text);
  if (match === null) return undefined;
  const mantissa = Number(match[1]);
  let multiplier = 1;
  if (match[2] !== undefined) multiplier = binarySuffixes[match[2]] ?? decimalSuffixes[match[2]] ?? 1;
  else if (match[3] !== undefined) multiplier = 10 ** Number(match[3]);
  const milli = mantissa * multiplier * 1000;
  if (!Number.isFinite(milli)) return undefined;
  // Round up to a whole milli-unit, as Kubernetes does for sub-milli precision.
  return Math.ceil(milli - 1e-9) + 0; // `+ 0` turns -0 into 0
}

/** The apiserver's messages for a quantity it cannot decode (resource.ParseQuantity's ErrFormatWrong and ErrSuffix). */
export const quantityFormatWrong = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const quantitySuffixWrong = "unable to parse quantity's suffix";

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const knownSuffixes = new Set(['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']);

/**
 * Why the apiserver refuses to decode `input` as a quantity, following resource.ParseQuantity (parseQuantityString,
 * then the suffix lookup): ErrFormatWrong when the text does not split into number and suffix, ErrSuffix when the
 * suffix is unknown. Undefined when it splits and the suffix is known. The request fails before validation, so this is
 * the message a client sees, prefixed with `<Kind> in version "<v>" cannot be handled as a <Kind>: `.
 */
export function quantityError(input: string): string | undefined {
  const str = input.trim(); // UnmarshalJSON trims
  if (str === '') return quantityFormatWrong;
  let pos = str[0] === '-' || str[0] === '+' ? 1 : 0;
  while (isDigit(str[pos])) pos++;
  if (pos >= str.length) return undefined;
  if (str[pos] === '.') {
    pos++;
    while (isDigit(str[pos])) pos++;
    if (pos >= str.length) return undefined;
  }
  const suffixStart = pos;
  while (pos < str.length && 'eEinumkKMGTP'.includes(str[pos] ?? '')) pos++;
  if (pos < str.length) {
    if (str[pos] === '-' || str[pos] === '+') pos++;
    while (isDigit(str[pos])) pos++;
    if (pos < str.length) return quantityFormatWrong;
  }
  const suffix = str.slice(suffixStart);
  if (knownSuffixes.has(suffix)) return undefined;
  // `e<int64>` / `E<int64>`: a decimal exponent (strconv.ParseInt accepts a sign).
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d{1,19}$/.test(suffix.slice(1))) return undefined;
  return quantitySuffixWrong;
}

function numberToText(value: number): string | undefined {
  return Number.isFinite(value) ? String(value) : undefined;
}

/** formatQuantity prints milli-units in the canonical form the kubelet uses in messages (`2Gi`, `1500Mi`, `250m`, `3`). */
export function formatQuantity(milli: number, kind: 'binary' | 'decimal' = 'binary'): string {
  if (milli % 1000 !== 0) return `${milli}m`;
  const value = milli / 1000;
  if (kind === 'binary' && value !== 0) {
    for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
      const unit = binarySuffixes[suffix] ?? 1;
      if (value % unit === 0) return `${value / unit}${suffix}`;
    }
  }
  return String(value);
}

/** formatCpu prints cpu milli-units as Kubernetes does (`250m`, `2`). */
export function formatCpu(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

// resource.Quantity.String(): canonical form in the quantity's own format, for the apiserver's and the kubelet's
// messages. BinarySI: the largest power-of-1024 suffix that divides exactly (`2Gi`, `1536Mi`), values below 1024 as
// decimal; DecimalSI: the largest power-of-1000 suffix that divides exactly (`1500M`, `12k`, `1200`, `500m`).
export type QuantityFormat = 'BinarySI' | 'DecimalSI';

const canonicalDecimalSuffixes: Array<[string, number]> = [
  ['E', 1e18],
  ['P', 1e15],
  ['T', 1e12],
  ['G', 1e9],
  ['M', 1e6],
  ['k', 1e3],
];

/** canonicalQuantity prints milli-units the way resource.Quantity.String() does for the given format. */
export function canonicalQuantity(milli: number, format: QuantityFormat): string {
  if (milli % 1000 !== 0) return `${milli}m`;
  const value = milli / 1000;
  if (format === 'BinarySI' && Math.abs(value) >= 1024) {
    return formatQuantity(milli, 'binary');
  }
  if (value === 0) return '0';
  for (const [suffix, unit] of canonicalDecimalSuffixes) {
    if (Math.abs(value) >= unit && value % unit === 0) return `${value / unit}${suffix}`;
  }
  return String(value);
}

/** formatOf tells the format a written quantity keeps: binary suffixes are BinarySI, everything else DecimalSI. */
export function formatOf(text: string): QuantityFormat {
  return /(Ki|Mi|Gi|Ti|Pi|Ei)$/.test(text.trim()) ? 'BinarySI' : 'DecimalSI';
}

/** canonicalText re-prints a written quantity (`1.5Gi` → `1536Mi`, `1000M` → `1G`); undefined when invalid. */
export function canonicalText(text: string): string | undefined {
  const milli = parseQuantity(text);
  if (milli === undefined) return undefined;
  return canonicalQuantity(milli, formatOf(text));
}

/** bytesQuantity prints a byte count as resource.NewQuantity(n, BinarySI).String(). */
export function bytesQuantity(bytes: number): string {
  return canonicalQuantity(bytes * 1000, 'BinarySI');
}
