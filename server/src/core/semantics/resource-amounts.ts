// Resource amounts: milli-units per resource name (cpu, memory, ephemeral-storage, hugepages-*, …), the one shape of
// every request and limit computed here. A leaf, so LimitRange defaults and request arithmetic can both build on it.
export type Resources = Record<string, number>;
