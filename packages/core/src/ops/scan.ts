// Filled in by the scan op family.
export {};
