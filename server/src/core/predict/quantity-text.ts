// resource.Quantity.String() for the kubelet's messages: canonical form in the quantity's own format.
// BinarySI: the largest power-of-1024 suffix that divides exactly (`2Gi`, `1536Mi`), values below 1024 as decimal;
// DecimalSI: the largest power-of-1000 suffix that divides exactly (`1500M`, `12k`, `1200`, `500m`).
import { formatQuantity, parseQuantity } from '../quantity';

export type QuantityFormat = 'BinarySI' | 'DecimalSI';

const decimalSuffixes: Array<[string, number]> = [
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
  for (const [suffix, unit] of decimalSuffixes) {
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
