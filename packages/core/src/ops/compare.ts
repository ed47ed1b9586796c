// Filled in by the compare op family.
export {};
