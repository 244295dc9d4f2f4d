// resource.Quantity.String() lives in the core's quantity leaf (core/quantity.ts), where semantics can use it too.
export { bytesQuantity, canonicalQuantity, canonicalText, formatOf } from '../quantity';
export type { QuantityFormat } from '../quantity';
