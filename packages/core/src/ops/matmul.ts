// Filled in by the matmul op family.
export {};
