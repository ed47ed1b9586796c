// Kernels of the scan op family.
export {};
