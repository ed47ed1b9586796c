// Filled in by the softmax op family.
export {};
