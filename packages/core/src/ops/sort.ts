// Filled in by the sort op family.
export {};
