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
